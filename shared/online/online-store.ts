import { ValidationError } from '../errors.js';
import { seededRandom } from '../util/random.js';
import type { EncodedRecord, ItemKey, OnlineRecord, OnlineWrite, ReadOptions, Watermark, WriteOptions, WriteResult } from './types.js';

/**
 * The online side: conditional (newer-wins) batch writes and batched point reads of
 * (entity key, view version) items. SQLite and DynamoDB implement the primitives of BaseOnlineStore.
 */
export interface OnlineStore {
  /** `ttlSeconds` (0 = none) lets stores that expire items (DynamoDB TTL) set event ts + ttl. */
  write(view: string, rows: readonly OnlineWrite[], writtenAt: Date, options?: WriteOptions): Promise<WriteResult>;
  /** Records in the order of `keys`; undefined where nothing is stored. `options.features` narrows what is read. */
  read(keys: readonly ItemKey[], options?: ReadOptions): Promise<(OnlineRecord | undefined)[]>;
  /**
   * `read` with values left as their stored JSON text, for stores that keep them so (SQLite); absent
   * elsewhere. The JSON lookup response copies the text instead of parsing and re-serializing it.
   */
  readEncoded?(keys: readonly ItemKey[], options?: ReadOptions): Promise<(EncodedRecord | undefined)[]>;
  watermarks(): Promise<Watermark[]>;
  /** Moves the view's watermark forward to `eventTs` (never back) and sets its last-write time. */
  recordWatermark(view: string, eventTs: number, writtenAt: Date): Promise<void>;
  deleteView(view: string): Promise<void>;
  /** Throws (naming the row) if a key cannot be stored; lets callers check before writing anything anywhere. */
  checkKeys(rows: readonly OnlineWrite[]): void;
  /** A reproducible uniform sample (reservoir, seeded) of up to `n` items of one view. */
  sample(view: string, n: number, seed: number): Promise<({ entityKey: string } & OnlineRecord)[]>;
  /** A writer for the many batches of one long run (a materialization chunk); see `BatchWriter`. */
  batchWriter(view: string, writtenAt: Date, options?: WriteOptions): BatchWriter;
  close(): Promise<void>;
}

/**
 * The writes of one long run, batch after batch, each with `write`'s semantics (newer-wins, the
 * newest row per key of a batch). A store may apply them behind the caller's back (SQLite: on a
 * worker thread while the caller reads the next rows); only `finish` says they are all durably
 * applied, so a run checkpoints after it. Call `finish` exactly once, also after a failure.
 */
export interface BatchWriter {
  /** Takes a batch; resolves when the writer can take the next (back-pressure). Rejects once a batch has failed. */
  write(rows: readonly OnlineWrite[]): Promise<void>;
  /**
   * `write` for rows whose values are already JSON text (`encodeValues`), for a store that keeps
   * them so (SQLite): a long run then builds no value objects. Absent where a store needs the values.
   */
  writeEncoded?(rows: EncodedWrites): Promise<void>;
  /** Waits for every batch taken; their totals. Rejects with the first failure. */
  finish(): Promise<WriteResult>;
}

/** A batch of writes column-major, each row's values as the JSON text `encodeValues` gives. Timestamps are epoch milliseconds. */
export interface EncodedWrites {
  entityKeys: string[];
  valuesJson: string[];
  eventTs: number[];
  createdTs: number[];
}

const itemId = (k: ItemKey) => `${k.view}\u0000${k.entityKey}`;

/**
 * Newer-wins within a batch (docs/semantics.md#online-writes-newer-wins): a later event time, then a
 * later or equal created time (so a later row of the batch wins a tie). Stores apply the same rule to
 * stored rows in their own conditions.
 */
export function isNewer(eventTs: number, createdTs: number, thanEventTs: number, thanCreatedTs: number): boolean {
  return eventTs > thanEventTs || (eventTs === thanEventTs && createdTs >= thanCreatedTs);
}

const newer = (a: OnlineWrite, b: OnlineWrite): boolean => isNewer(a.eventTs, a.createdTs, b.eventTs, b.createdTs);

/** Within one batch only the newest row per key can win (docs/semantics.md#online-writes-newer-wins). */
function latestPerKey(rows: readonly OnlineWrite[]): OnlineWrite[] {
  const latest = new Map<string, OnlineWrite>();
  for (const r of rows) {
    const cur = latest.get(r.entityKey);
    if (!cur || newer(r, cur)) latest.set(r.entityKey, r);
  }
  return latest.size === rows.length ? (rows as OnlineWrite[]) : [...latest.values()];
}

/** Chunking, de-duplication and in-batch ordering shared by every adapter. */
export abstract class BaseOnlineStore implements OnlineStore {
  /** Most items one `_getItems` call may ask for (DynamoDB BatchGetItem: 100). */
  protected abstract readonly maxReadBatch: number;
  /** Items found, keyed by `itemId`; a store that can project reads only `options.features` of each view. */
  protected abstract _getItems(keys: readonly ItemKey[], options?: ReadOptions): Promise<Map<string, OnlineRecord>>;
  /** Applies each row only if newer than the stored one, and advances the view's watermark, atomically where the engine allows. */
  protected abstract _putItems(view: string, rows: readonly OnlineWrite[], writtenAt: number, options: WriteOptions): Promise<WriteResult>;
  /** Every item of one view, in pages. */
  protected abstract _scan(view: string): AsyncIterable<({ entityKey: string } & OnlineRecord)[]>;
  abstract watermarks(): Promise<Watermark[]>;
  abstract recordWatermark(view: string, eventTs: number, writtenAt: Date): Promise<void>;
  abstract deleteView(view: string): Promise<void>;
  abstract close(): Promise<void>;

  /** Longest canonical entity key the store accepts, in UTF-8 bytes (DynamoDB: 2048 for a partition key). */
  protected readonly maxEntityKeyBytes: number = Number.POSITIVE_INFINITY;

  async write(view: string, rows: readonly OnlineWrite[], writtenAt: Date, options: WriteOptions = {}): Promise<WriteResult> {
    // Within one batch only the newest row per key can win; the others are counted as skipped.
    const latest = this.newestPerKey(rows);
    if (!latest.length) return { written: 0, skipped: 0 };
    const result = await this._putItems(view, latest, writtenAt.getTime(), options);
    return { written: result.written, skipped: result.skipped + rows.length - latest.length };
  }

  /** A batch as it is applied: its keys checked, only the newest row of each key kept. */
  protected newestPerKey(rows: readonly OnlineWrite[]): OnlineWrite[] {
    this.checkKeys(rows);
    return latestPerKey(rows);
  }

  /** One `write` per batch, in turn. */
  batchWriter(view: string, writtenAt: Date, options: WriteOptions = {}): BatchWriter {
    const total = { written: 0, skipped: 0 };
    return {
      write: async (rows) => {
        const r = await this.write(view, rows, writtenAt, options);
        total.written += r.written;
        total.skipped += r.skipped;
      },
      finish: async () => ({ ...total }),
    };
  }

  checkKeys(rows: readonly OnlineWrite[]): void {
    if (this.maxEntityKeyBytes === Number.POSITIVE_INFINITY) return;
    rows.forEach((r, row) => {
      if (Buffer.byteLength(r.entityKey) > this.maxEntityKeyBytes) {
        throw new ValidationError(
          `row ${row}: entity key is ${Buffer.byteLength(r.entityKey)} bytes; the online store accepts at most ${this.maxEntityKeyBytes}`,
          [{ row, field: 'entity key', message: `at most ${this.maxEntityKeyBytes} bytes` }],
        );
      }
    });
  }

  read(keys: readonly ItemKey[], options: ReadOptions = {}): Promise<(OnlineRecord | undefined)[]> {
    return this.gather(keys, (chunk) => this._getItems(chunk, options));
  }

  /** De-duplicates the keys, asks `get` for chunks of at most `maxReadBatch` in parallel, answers in the order of `keys`. */
  protected async gather<T>(keys: readonly ItemKey[], get: (chunk: readonly ItemKey[]) => Promise<Map<string, T>>): Promise<(T | undefined)[]> {
    const { ids, chunks } = this.distinctChunks(keys);
    let found: Map<string, T>;
    if (chunks.length === 1) found = await get(chunks[0]);
    else {
      found = new Map();
      for (const m of await Promise.all(chunks.map(get))) for (const [k, v] of m) found.set(k, v);
    }
    return ids.map((id) => found.get(id));
  }

  /** Each key's `itemId`, and the distinct keys in chunks of at most `maxReadBatch` (one chunk, maybe empty, when they fit). */
  protected distinctChunks(keys: readonly ItemKey[]): { ids: string[]; chunks: (readonly ItemKey[])[] } {
    const ids = keys.map(itemId);
    const unique = new Map<string, ItemKey>();
    for (let i = 0; i < keys.length; i++) if (!unique.has(ids[i])) unique.set(ids[i], keys[i]);
    const list = unique.size === keys.length ? keys : [...unique.values()];
    if (list.length <= this.maxReadBatch) return { ids, chunks: [list] };
    const chunks: (readonly ItemKey[])[] = [];
    for (let i = 0; i < list.length; i += this.maxReadBatch) chunks.push(list.slice(i, i + this.maxReadBatch));
    return { ids, chunks };
  }

  async sample(view: string, n: number, seed: number): Promise<({ entityKey: string } & OnlineRecord)[]> {
    const rand = seededRandom(seed);
    const out: ({ entityKey: string } & OnlineRecord)[] = [];
    let seen = 0;
    for await (const page of this._scan(view)) {
      for (const item of page) {
        seen++;
        if (out.length < n) out.push(item);
        else {
          const j = Math.floor(rand() * seen);
          if (j < n) out[j] = item;
        }
      }
    }
    return out;
  }

  protected static itemId = itemId;
}
