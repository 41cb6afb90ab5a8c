import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ReadCoalescer } from './read-coalescer.js';
import { InListStatements } from './sqlite-in-list.js';
import { RowCache } from './sqlite-row-cache.js';
import { encodeWrites, newestEncoded } from './encoded-writes.js';
import { type BatchWriter, BaseOnlineStore, type EncodedWrites } from './online-store.js';
import { SqliteWriteBehind } from './sqlite-write-behind.js';
import type { EncodedRecord, ItemKey, OnlineRecord, OnlineWrite, Watermark, WriteOptions, WriteResult } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS online_features (
  entity_key TEXT NOT NULL, view TEXT NOT NULL, features TEXT NOT NULL,
  event_ts INTEGER NOT NULL, created_ts INTEGER NOT NULL,
  PRIMARY KEY (view, entity_key)
);
CREATE TABLE IF NOT EXISTS watermarks (view TEXT PRIMARY KEY, event_ts INTEGER NOT NULL, written_at INTEGER NOT NULL);
`;

// Newer-wins (docs/semantics.md#online-writes-newer-wins): the update only happens when (event_ts, created_ts) is >= the stored pair.
// The conditions are literals of their own, marked for tools/mutate/conditions.ts (Stryker does not
// mutate operators inside SQL text).
const NEWER_WINS =
  /* @mutate */ 'excluded.event_ts > online_features.event_ts OR (excluded.event_ts = online_features.event_ts AND excluded.created_ts >= online_features.created_ts)';
const insertRows = (rows: number) =>
  `INSERT INTO online_features (entity_key, view, features, event_ts, created_ts) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')}`;
const ON_CONFLICT = `
ON CONFLICT (view, entity_key) DO UPDATE SET features = excluded.features, event_ts = excluded.event_ts, created_ts = excluded.created_ts
WHERE ${NEWER_WINS}`;
const UPSERT = `${insertRows(1)}${ON_CONFLICT}`;

/**
 * Rows per statement of the write-behind worker's upsert: one statement of 50 rows (each row still
 * upserted on its own, its changes counted) costs about 30% less CPU than 50 one-row statements
 * (SQLite alone, 1 M rows: fewer calls into the driver, fewer statement starts); 200 measured no better.
 */
const ROWS_PER_UPSERT = 50;
const UPSERT_MANY = `${insertRows(ROWS_PER_UPSERT)}${ON_CONFLICT}`;

// The watermark never moves backwards.
const NEWEST_WATERMARK = /* @mutate */ 'max(watermarks.event_ts, excluded.event_ts)';
const WATERMARK = `
INSERT INTO watermarks (view, event_ts, written_at) VALUES (?, ?, ?)
ON CONFLICT (view) DO UPDATE SET event_ts = ${NEWEST_WATERMARK}, written_at = excluded.written_at`;

/** The stored JSON text of a record's values (kept here under its old name for the store's callers). */
export { encodeValues as encode } from './encode-values.js';

/**
 * Every connection's settings (the store's and its write-behind worker's): WAL, so readers never wait
 * for a writer; NORMAL sync (a commit is durable once the WAL is checkpointed; a crash loses at most
 * the last commits, never consistency); 64 MiB of page cache (default 2 MiB), so a materialization
 * batch's upserts find the index pages they touch in memory.
 */
const PRAGMAS = ['journal_mode = WAL', 'synchronous = NORMAL', 'busy_timeout = 5000', 'cache_size = -65536'];

/** A long run's batches go to a write-behind worker once this many rows were written directly (small runs never pay its start-up). */
const WRITE_BEHIND_AFTER_ROWS = 20_000;

/** Lookups of fewer keys than this are coalesced with those of the same event-loop turn (read-coalescer.ts). */
const COALESCED_LOOKUP_KEYS = 8;

/** A stored row as `readEncoded` answers it: the values' JSON text as UTF-8 bytes, no string made. */
const encodedRecord = (valuesUtf8: Buffer, eventTs: number, createdTs: number): EncodedRecord => ({ valuesUtf8, eventTs, createdTs });

/** The embedded online store: one SQLite file in WAL mode, conditional upserts in one transaction per batch. */
export class SqliteOnlineStore extends BaseOnlineStore {
  protected readonly maxReadBatch: number = 400;
  private readonly db: Database.Database;
  private readonly upsert: Database.Statement;
  private readonly mark: Database.Statement;
  private readonly putTx: Database.Transaction<(view: string, rows: EncodedWrites, writtenAt: number, advance: boolean) => WriteResult>;
  private readonly reads: InListStatements;
  private readonly utf8Reads: InListStatements;
  private readonly cache: RowCache<EncodedRecord>;
  private readonly smallReads = new ReadCoalescer<ItemKey, EncodedRecord>(async (keys) => this.cachedRead(keys));
  // Runs a function inside one deferred read transaction: every statement of it reads one snapshot.
  private readonly snapshot: Database.Transaction<(read: () => (EncodedRecord | undefined)[]) => (EncodedRecord | undefined)[]>;

  constructor(
    private readonly path: string,
    private readonly options: { writeBehindAfterRows?: number } = {},
  ) {
    super();
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    for (const p of PRAGMAS) this.db.pragma(p);
    this.db.exec(SCHEMA);
    this.upsert = this.db.prepare(UPSERT);
    this.mark = this.db.prepare(WATERMARK);
    this.reads = new InListStatements(
      this.db,
      (marks) => `SELECT entity_key, features, event_ts, created_ts FROM online_features WHERE view = ? AND entity_key IN (${marks})`,
    );
    this.cache = new RowCache(this.db);
    // The stored JSON text as its UTF-8 bytes (a BLOB comes back as a Buffer, with no string made).
    this.utf8Reads = new InListStatements(
      this.db,
      (marks) => `SELECT entity_key, CAST(features AS BLOB), event_ts, created_ts FROM online_features WHERE view = ? AND entity_key IN (${marks})`,
    );
    this.snapshot = this.db.transaction((read: () => (EncodedRecord | undefined)[]) => read());
    this.putTx = this.db.transaction((view: string, rows: EncodedWrites, writtenAt: number, advance: boolean) => {
      let written = 0;
      let maxTs = -Infinity;
      const { entityKeys, valuesJson, eventTs, createdTs } = rows;
      for (let i = 0; i < entityKeys.length; i++) {
        if (this.upsert.run(entityKeys[i], view, valuesJson[i], eventTs[i], createdTs[i]).changes > 0) {
          written++;
          if (eventTs[i] > maxTs) maxTs = eventTs[i];
        }
      }
      if (written > 0 && advance) this.mark.run(view, maxTs, writtenAt);
      return { written, skipped: entityKeys.length - written };
    });
  }

  protected async _putItems(view: string, rows: readonly OnlineWrite[], writtenAt: number, options: WriteOptions): Promise<WriteResult> {
    return this.putEncoded(view, newestEncoded(encodeWrites(rows)), writtenAt, options.advanceWatermark !== false);
  }

  /** One transaction of rows already reduced to the newest per key, in key order (`newestEncoded`). */
  private putEncoded(view: string, rows: EncodedWrites, writtenAt: number, advance: boolean): WriteResult {
    try {
      return this.putTx.immediate(view, rows, writtenAt, advance);
    } finally {
      this.cache.clear();
    }
  }

  /**
   * Batches written directly at first; past `writeBehindAfterRows` rows, by a worker thread with its
   * own connection (sqlite-write-behind.ts), so the caller reads and encodes the next batch meanwhile.
   * Rows may come encoded (`writeEncoded`: materialization builds no value objects) or as objects.
   */
  override batchWriter(view: string, writtenAt: Date, options: WriteOptions = {}): BatchWriter {
    const after = this.options.writeBehindAfterRows ?? WRITE_BEHIND_AFTER_ROWS;
    const advance = options.advanceWatermark !== false;
    // Only a run that moves the watermark itself at its end can have its batches applied behind it.
    const mayGoBehind = this.path !== ':memory:' && !advance;
    const total = { written: 0, skipped: 0 };
    let rows = 0;
    let behind: SqliteWriteBehind | undefined;
    const writeEncoded = async (batch: EncodedWrites) => {
      if (!batch.entityKeys.length) return;
      // SQLite has no key-size limit (checkKeys is a no-op here); rows that lost to a newer one of the same batch are skipped.
      const latest = newestEncoded(batch);
      total.skipped += batch.entityKeys.length - latest.entityKeys.length;
      if (!behind && (!mayGoBehind || rows < after)) {
        rows += batch.entityKeys.length;
        const r = this.putEncoded(view, latest, writtenAt.getTime(), advance);
        total.written += r.written;
        total.skipped += r.skipped;
        return;
      }
      behind ??= new SqliteWriteBehind(this.path, view, {
        pragmas: PRAGMAS,
        upsert: UPSERT,
        upsertMany: UPSERT_MANY,
        rowsPerUpsertMany: ROWS_PER_UPSERT,
      });
      await behind.write(latest);
    };
    return {
      write: (batch) => writeEncoded(encodeWrites(batch)),
      writeEncoded,
      finish: async () => {
        if (!behind) return { ...total };
        const b = await behind.finish();
        return { written: total.written + b.written, skipped: total.skipped + b.skipped };
      },
    };
  }

  async recordWatermark(view: string, eventTs: number, writtenAt: Date): Promise<void> {
    this.mark.run(view, eventTs, writtenAt.getTime());
  }

  protected async _getItems(keys: readonly ItemKey[]): Promise<Map<string, OnlineRecord>> {
    return this.select(keys, this.reads, (valuesJson: string, eventTs, createdTs) => ({
      values: JSON.parse(valuesJson) as Record<string, unknown>,
      eventTs,
      createdTs,
    }));
  }

  async readEncoded(keys: readonly ItemKey[]): Promise<(EncodedRecord | undefined)[]> {
    // Small lookups of concurrent requests are read together (read-coalescer.ts): one cache check and
    // one statement for the misses of all of them.
    if (keys.length < COALESCED_LOOKUP_KEYS) return this.smallReads.read(keys);
    return this.cachedRead(keys);
  }

  /**
   * `keys` in order (repeats allowed, a missing row as an explicit undefined: callers map over it):
   * hits from the row cache, the rest read and cached. One read transaction from the cache's version
   * check to the select of the misses, so hits and misses are one snapshot (a commit of another
   * connection in between shows in neither, and the next check drops the cache). Synchronous
   * throughout: no read or write of this connection comes in between; an await here would let one
   * cache a row that a write of this connection replaced meanwhile (data_version does not count them).
   */
  private cachedRead(keys: readonly ItemKey[]): (EncodedRecord | undefined)[] {
    return this.snapshot.deferred(() => {
      this.cache.sync();
      const out = new Array<EncodedRecord | undefined>(keys.length).fill(undefined);
      const missing: number[] = [];
      for (let i = 0; i < keys.length; i++) {
        const hit = this.cache.get(keys[i].view, keys[i].entityKey);
        if (hit) out[i] = hit;
        else missing.push(i);
      }
      if (!missing.length) return out;
      const found = this.readStored(missing.length === keys.length ? keys : missing.map((i) => keys[i]));
      for (let k = 0; k < missing.length; k++) {
        const r = found[k];
        if (!r) continue;
        const { view, entityKey } = keys[missing[k]];
        this.cache.set(view, entityKey, r);
        out[missing[k]] = r;
      }
      return out;
    });
  }

  /** The stored rows of `keys` (repeats allowed), in order: each view's distinct keys in statements of at most `maxReadBatch`. */
  private readStored(keys: readonly ItemKey[]): (EncodedRecord | undefined)[] {
    const { ids, chunks } = this.distinctChunks(keys);
    let found: Map<string, EncodedRecord>;
    if (chunks.length === 1) found = this.select(chunks[0], this.utf8Reads, encodedRecord);
    else {
      found = new Map();
      for (const chunk of chunks) for (const [id, r] of this.select(chunk, this.utf8Reads, encodedRecord)) found.set(id, r);
    }
    return ids.map((id) => found.get(id));
  }

  /** The stored rows of `keys`, keyed by `itemId`, each made a record by `make` from its columns. */
  private select<V, R>(keys: readonly ItemKey[], reads: InListStatements, make: (values: V, eventTs: number, createdTs: number) => R): Map<string, R> {
    // Grouped by view so each query is a primary-key range lookup (view = ? AND entity_key IN (...)).
    const byView = new Map<string, string[]>();
    for (const k of keys) {
      const list = byView.get(k.view);
      if (list) list.push(k.entityKey);
      else byView.set(k.view, [k.entityKey]);
    }
    const out = new Map<string, R>();
    for (const [view, entityKeys] of byView) {
      // Raw rows (arrays) skip building one object per row with column names.
      for (const [entityKey, values, eventTs, createdTs] of reads.padded(entityKeys).all(view, ...entityKeys) as [string, V, number, number][]) {
        out.set(BaseOnlineStore.itemId({ view, entityKey }), make(values, eventTs, createdTs));
      }
    }
    return out;
  }

  protected async *_scan(view: string): AsyncIterable<({ entityKey: string } & OnlineRecord)[]> {
    // Key order makes the reservoir sample reproducible for a given seed.
    const stmt = this.db.prepare('SELECT entity_key, features, event_ts, created_ts FROM online_features WHERE view = ? ORDER BY entity_key');
    let page: ({ entityKey: string } & OnlineRecord)[] = [];
    for (const r of stmt.iterate(view) as Iterable<{ entity_key: string; features: string; event_ts: number; created_ts: number }>) {
      page.push({ entityKey: r.entity_key, values: JSON.parse(r.features) as Record<string, unknown>, eventTs: r.event_ts, createdTs: r.created_ts });
      if (page.length === 1000) yield page, (page = []);
    }
    if (page.length) yield page;
  }

  async watermarks(): Promise<Watermark[]> {
    const rows = this.db.prepare('SELECT view, event_ts, written_at FROM watermarks ORDER BY view').all() as {
      view: string;
      event_ts: number;
      written_at: number;
    }[];
    return rows.map((r) => ({ view: r.view, eventTs: r.event_ts, writtenAt: r.written_at }));
  }

  async deleteView(view: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM online_features WHERE view = ?').run(view);
      this.db.prepare('DELETE FROM watermarks WHERE view = ?').run(view);
    })();
    this.cache.clear();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
