import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InListStatements } from '../sqlite-in-list.js';
import type { TileEvent } from './partials.js';
import { expiresAt, type TimeRange } from './tile-layout.js';
import { decodeTileSet, encodeTileSet, foldEvents, rowsOf, type TileRow, type TileSet, tileSetOf } from './tile-set.js';
import type { TileLayout, TileStore, TileWrite, TileWriteResult } from './types.js';
import { type EntityTiles, edgeCuts, NO_TILES } from './window-merge.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS tile_events (
  view TEXT NOT NULL, entity_key TEXT NOT NULL, ts INTEGER NOT NULL, id TEXT NOT NULL,
  vals TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (view, entity_key, ts, id)
) WITHOUT ROWID;
-- A rowid table: a tile set is a few KB, which a WITHOUT ROWID row would spill to overflow pages.
CREATE TABLE IF NOT EXISTS tile_sets (
  view TEXT NOT NULL, entity_key TEXT NOT NULL, tiles BLOB NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (view, entity_key)
);
CREATE INDEX IF NOT EXISTS tile_events_expiry ON tile_events (view, expires_at);
CREATE INDEX IF NOT EXISTS tile_sets_expiry ON tile_sets (view, expires_at);
`;

// The id is a hash of the whole event (event-id.ts) and the key includes it: a re-delivered event is ignored.
const INSERT_EVENT = 'INSERT OR IGNORE INTO tile_events (view, entity_key, ts, id, vals, expires_at) VALUES (?, ?, ?, ?, ?, ?)';
const GET_SET = 'SELECT tiles FROM tile_sets WHERE view = ? AND entity_key = ?';
const PUT_SET = `INSERT INTO tile_sets (view, entity_key, tiles, expires_at) VALUES (?, ?, ?, ?)
ON CONFLICT (view, entity_key) DO UPDATE SET tiles = excluded.tiles, expires_at = excluded.expires_at`;
const READ_SETS = (marks: string) => `SELECT entity_key, tiles FROM tile_sets WHERE view = ? AND entity_key IN (${marks})`;
const READ_EVENTS = (marks: string) => `SELECT entity_key, ts, id, vals FROM tile_events WHERE ts >= ? AND ts < ? AND view = ? AND entity_key IN (${marks})`;
// Keys per read statement (SQLite allows 32,766 variables; the online store reads 400 at a time too).
const READ_BATCH = 400;

type Statements = 'insert' | 'getSet' | 'putSet' | 'deleteSet' | 'expireEvents' | 'expireSets';

/**
 * Tiles in the local SQLite file (beside the online features): the raw events, and per (view,
 * entity) one row holding all its tiles columnar (tile-set.ts), written in one transaction per
 * batch, so a crash never leaves a tile without its events or the other way round. A lookup of E
 * entities reads the E tile-set rows in one query, then raw events only for the window edges that
 * cut through a tile's events: at most one query per distinct edge (≤ 2 × windows), usually none.
 */
export class SqliteTileStore implements TileStore {
  private readonly db: Database.Database;
  private readonly writeTx: (view: string, layout: TileLayout, events: readonly TileWrite[], now: number) => TileWriteResult;
  private readonly stmts: Record<Statements, Database.Statement>;
  private readonly readSets: InListStatements;
  private readonly readEvents: InListStatements;

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    // 64 MiB of page cache (default 2 MiB), as the online store: lookups find the tile sets in memory.
    this.db.pragma('cache_size = -65536');
    this.db.exec(SCHEMA);
    this.readSets = new InListStatements(this.db, READ_SETS);
    this.readEvents = new InListStatements(this.db, READ_EVENTS);
    this.stmts = {
      insert: this.db.prepare(INSERT_EVENT),
      getSet: this.db.prepare(GET_SET).pluck(),
      putSet: this.db.prepare(PUT_SET),
      deleteSet: this.db.prepare('DELETE FROM tile_sets WHERE view = ? AND entity_key = ?'),
      expireEvents: this.db.prepare('DELETE FROM tile_events WHERE view = ? AND expires_at < ?'),
      expireSets: this.db.prepare('DELETE FROM tile_sets WHERE view = ? AND expires_at < ?'),
    };
    this.writeTx = this.db.transaction((view, layout, events, now) => this.apply(view, layout, events, now)).immediate as typeof this.writeTx;
  }

  private apply(view: string, layout: TileLayout, events: readonly TileWrite[], now: number): TileWriteResult {
    const fresh = new Map<string, TileEvent[]>();
    let written = 0;
    let expired = 0;
    let newestTs = -Infinity;
    const nowSeconds = Math.floor(now / 1000);
    const expiry = (ts: number) => expiresAt(ts, layout.intervalMs, layout.maxWindowMs, layout.skewMs);
    for (const { entityKey, event } of events) {
      newestTs = Math.max(newestTs, event.ts);
      const exp = expiry(event.ts);
      // Past retention, its tile may be gone: storing it would rebuild a tile from this event alone.
      if (exp < nowSeconds) {
        expired++;
        continue;
      }
      if (this.stmts.insert.run(view, entityKey, event.ts, event.id, JSON.stringify(event.values), exp).changes === 0) continue;
      written++;
      const group = fresh.get(entityKey);
      if (group) group.push(event);
      else fresh.set(entityKey, [event]);
    }
    // Only events stored for the first time fold into their tiles: a re-delivery changes nothing.
    for (const [entityKey, added] of fresh) {
      const cur = this.stmts.getSet.get(view, entityKey) as Buffer | undefined;
      const rows = new Map<number, TileRow>((cur ? rowsOf(layout.measures, decodeTileSet(cur)) : []).map((r) => [r.start, r]));
      foldEvents(layout.measures, rows, added, layout.intervalMs);
      // Tiles no window can reach any more leave the set.
      const kept = [...rows.values()].filter((r) => expiry(r.start) >= nowSeconds);
      if (!kept.length) this.stmts.deleteSet.run(view, entityKey);
      else this.stmts.putSet.run(view, entityKey, encodeTileSet(tileSetOf(layout.measures, kept)), Math.max(...kept.map((r) => expiry(r.start))));
    }
    this.stmts.expireEvents.run(view, nowSeconds);
    this.stmts.expireSets.run(view, nowSeconds);
    return { written, duplicates: events.length - written - expired, expired, ...(Number.isFinite(newestTs) ? { newestTs } : {}) };
  }

  async write(view: string, layout: TileLayout, events: readonly TileWrite[], writtenAt: Date): Promise<TileWriteResult> {
    if (!events.length) return { written: 0, duplicates: 0, expired: 0 };
    return this.writeTx(view, layout, events, writtenAt.getTime());
  }

  async read(view: string, layout: TileLayout, entityKeys: readonly string[], t: number): Promise<EntityTiles[]> {
    const sets = new Map<string, TileSet>();
    const unique = [...new Set(entityKeys)];
    for (let i = 0; i < unique.length; i += READ_BATCH) {
      const keys = unique.slice(i, i + READ_BATCH);
      for (const [key, tiles] of this.readSets.get(keys.length).all(view, ...keys) as [string, Buffer][]) sets.set(key, decodeTileSet(tiles));
    }
    // Entities by the edge they need raw events of: one query per distinct edge.
    const byCut = new Map<string, { range: TimeRange; keys: string[] }>();
    for (const [key, set] of sets) {
      for (const range of edgeCuts(t, layout, set)) {
        const id = `${range.from}:${range.to}`;
        const cut = byCut.get(id);
        if (cut) cut.keys.push(key);
        else byCut.set(id, { range, keys: [key] });
      }
    }
    // Cuts of different windows may overlap: an event is kept once per entity.
    const events = new Map<string, Map<string, TileEvent>>();
    for (const { range, keys: all } of byCut.values()) {
      for (let i = 0; i < all.length; i += READ_BATCH) {
        const keys = all.slice(i, i + READ_BATCH);
        for (const [key, ts, id, vals] of this.readEvents.get(keys.length).all(range.from, range.to, view, ...keys) as [string, number, string, string][]) {
          let of = events.get(key);
          if (!of) events.set(key, (of = new Map()));
          if (!of.has(id)) of.set(id, { ts, id, values: JSON.parse(vals) });
        }
      }
    }
    return entityKeys.map((k) => {
      const tiles = sets.get(k);
      return tiles ? { tiles, events: [...(events.get(k)?.values() ?? [])] } : NO_TILES;
    });
  }

  async deleteView(view: string): Promise<void> {
    this.db.prepare('DELETE FROM tile_events WHERE view = ?').run(view);
    this.db.prepare('DELETE FROM tile_sets WHERE view = ?').run(view);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
