import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { addEvent, emptyTile, type TileEvent, type TilePartials } from './partials.js';
import { expiresAt, planReads, tileStart } from './tile-layout.js';
import type { TileLayout, TileStore, TileWrite, TileWriteResult } from './types.js';
import type { EntityTiles, StoredTile } from './window-merge.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tile_events (
  view TEXT NOT NULL, entity_key TEXT NOT NULL, ts INTEGER NOT NULL, id TEXT NOT NULL,
  vals TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (view, entity_key, ts, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tiles (
  view TEXT NOT NULL, entity_key TEXT NOT NULL, tile_start INTEGER NOT NULL,
  partials TEXT NOT NULL, newest_ts INTEGER NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (view, entity_key, tile_start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tile_events_expiry ON tile_events (view, expires_at);
CREATE INDEX IF NOT EXISTS tiles_expiry ON tiles (view, expires_at);
`;

// The id is a hash of the whole event (event-id.ts) and the key includes it: a re-delivered event is ignored.
const INSERT_EVENT = 'INSERT OR IGNORE INTO tile_events (view, entity_key, ts, id, vals, expires_at) VALUES (?, ?, ?, ?, ?, ?)';
const GET_TILE = 'SELECT partials, newest_ts FROM tiles WHERE view = ? AND entity_key = ? AND tile_start = ?';
const PUT_TILE = `INSERT INTO tiles (view, entity_key, tile_start, partials, newest_ts, expires_at) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (view, entity_key, tile_start) DO UPDATE SET partials = excluded.partials, newest_ts = excluded.newest_ts, expires_at = excluded.expires_at`;
const KEYS = 'entity_key IN (SELECT value FROM json_each(?))';
const READ_TILES = `SELECT entity_key, tile_start, partials, newest_ts FROM tiles WHERE view = ? AND ${KEYS} AND tile_start >= ? AND tile_start < ?`;
const READ_EVENTS = `SELECT entity_key, ts, id, vals FROM tile_events WHERE view = ? AND ${KEYS} AND ts >= ? AND ts < ?`;

/**
 * Tiles in the local SQLite file (beside the online features): raw events and partials in one
 * transaction per batch, so a crash never leaves a tile without its events or the other way round.
 * A lookup of E entities runs 1 + (windows + 1) range queries per view, whatever E.
 */
export class SqliteTileStore implements TileStore {
  private readonly db: Database.Database;
  private readonly writeTx: (view: string, layout: TileLayout, events: readonly TileWrite[], now: number) => TileWriteResult;
  private readonly stmts: Record<'insert' | 'getTile' | 'putTile' | 'readTiles' | 'readEvents' | 'expireEvents' | 'expireTiles', Database.Statement>;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.stmts = {
      insert: this.db.prepare(INSERT_EVENT),
      getTile: this.db.prepare(GET_TILE),
      putTile: this.db.prepare(PUT_TILE),
      readTiles: this.db.prepare(READ_TILES),
      readEvents: this.db.prepare(READ_EVENTS),
      expireEvents: this.db.prepare('DELETE FROM tile_events WHERE view = ? AND expires_at < ?'),
      expireTiles: this.db.prepare('DELETE FROM tiles WHERE view = ? AND expires_at < ?'),
    };
    this.writeTx = this.db.transaction((view, layout, events, now) => this.apply(view, layout, events, now)).immediate as typeof this.writeTx;
  }

  private apply(view: string, layout: TileLayout, events: readonly TileWrite[], now: number): TileWriteResult {
    const fresh = new Map<string, { entityKey: string; start: number; events: TileEvent[] }>();
    let written = 0;
    let expired = 0;
    let newestTs = -Infinity;
    const nowSeconds = Math.floor(now / 1000);
    for (const { entityKey, event } of events) {
      newestTs = Math.max(newestTs, event.ts);
      const exp = expiresAt(event.ts, layout.intervalMs, layout.maxWindowMs, layout.skewMs);
      // Past retention, its tile may be gone: storing it would rebuild a tile from this event alone.
      if (exp < nowSeconds) {
        expired++;
        continue;
      }
      if (this.stmts.insert.run(view, entityKey, event.ts, event.id, JSON.stringify(event.values), exp).changes === 0) continue;
      written++;
      const start = tileStart(event.ts, layout.intervalMs);
      const id = `${start}\u0000${entityKey}`;
      let group = fresh.get(id);
      if (!group) fresh.set(id, (group = { entityKey, start, events: [] }));
      group.events.push(event);
    }
    // Only events stored for the first time fold into their tile: a re-delivery changes nothing.
    for (const g of fresh.values()) {
      const cur = this.stmts.getTile.get(view, g.entityKey, g.start) as { partials: string; newest_ts: number } | undefined;
      let tile: TilePartials = cur ? JSON.parse(cur.partials) : emptyTile(layout.measures);
      let newest = cur?.newest_ts ?? -Infinity;
      for (const e of g.events) {
        tile = addEvent(layout.measures, tile, e);
        newest = Math.max(newest, e.ts);
      }
      const exp = expiresAt(g.start, layout.intervalMs, layout.maxWindowMs, layout.skewMs);
      this.stmts.putTile.run(view, g.entityKey, g.start, JSON.stringify(tile), newest, exp);
    }
    this.stmts.expireEvents.run(view, nowSeconds);
    this.stmts.expireTiles.run(view, nowSeconds);
    return { written, duplicates: events.length - written - expired, expired, ...(Number.isFinite(newestTs) ? { newestTs } : {}) };
  }

  async write(view: string, layout: TileLayout, events: readonly TileWrite[], writtenAt: Date): Promise<TileWriteResult> {
    if (!events.length) return { written: 0, duplicates: 0, expired: 0 };
    return this.writeTx(view, layout, events, writtenAt.getTime());
  }

  async read(view: string, layout: TileLayout, entityKeys: readonly string[], t: number): Promise<EntityTiles[]> {
    const { tiles, events } = planReads(t, layout.windowsMs, layout.intervalMs);
    const keys = JSON.stringify([...new Set(entityKeys)]);
    const out = new Map<string, { tiles: Map<number, StoredTile>; events: TileEvent[] }>();
    const of = (k: string) => {
      let e = out.get(k);
      if (!e) out.set(k, (e = { tiles: new Map(), events: [] }));
      return e;
    };
    if (tiles.from < tiles.to) {
      for (const r of this.stmts.readTiles.iterate(view, keys, tiles.from, tiles.to) as Iterable<{
        entity_key: string;
        tile_start: number;
        partials: string;
        newest_ts: number;
      }>) {
        of(r.entity_key).tiles.set(r.tile_start, { partials: JSON.parse(r.partials), newestTs: r.newest_ts });
      }
    }
    for (const range of events) {
      for (const r of this.stmts.readEvents.iterate(view, keys, range.from, range.to) as Iterable<{
        entity_key: string;
        ts: number;
        id: string;
        vals: string;
      }>) {
        of(r.entity_key).events.push({ ts: r.ts, id: r.id, values: JSON.parse(r.vals) });
      }
    }
    return entityKeys.map((k) => out.get(k) ?? { tiles: new Map(), events: [] });
  }

  async deleteView(view: string): Promise<void> {
    this.db.prepare('DELETE FROM tile_events WHERE view = ?').run(view);
    this.db.prepare('DELETE FROM tiles WHERE view = ?').run(view);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
