import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { InternalError } from '../errors.js';
import type { EncodedWrites } from './online-store.js';
import type { WriteResult } from './types.js';

/**
 * The SQLite side of a materialization on a worker thread: better-sqlite3 is synchronous, so on the
 * main thread the upserts and the offline scan that feeds them take turns; here the worker applies
 * batch N while the main thread reads and encodes batch N + 1 (docs/performance.md#materialization-on-sqlite-provider-local-npm-run-bench----materialize).
 *
 * The worker has its own connection to the same WAL file and runs the store's own statement and
 * pragmas (handed over, not restated), one transaction per batch, exactly as `write` would. Other
 * connections (the store's readers and their row cache) see the commits through `data_version`.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
for (const p of workerData.pragmas) db.pragma(p);
const one = db.prepare(workerData.upsert);
const many = db.prepare(workerData.upsertMany);
const per = workerData.rowsPerUpsertMany;
const params = new Array(per * 5);
const put = db.transaction((view, m) => {
  const { entityKeys, valuesJson, eventTs, createdTs } = m;
  const n = entityKeys.length;
  let written = 0;
  let i = 0;
  // Rows are unique per key here, so a row never meets another of the same statement; changes counts the rows written.
  for (; i + per <= n; i += per) {
    for (let r = 0, p = 0; r < per; r++) {
      params[p++] = entityKeys[i + r];
      params[p++] = view;
      params[p++] = valuesJson[i + r];
      params[p++] = eventTs[i + r];
      params[p++] = createdTs[i + r];
    }
    written += many.run(params).changes;
  }
  for (; i < n; i++) written += one.run(entityKeys[i], view, valuesJson[i], eventTs[i], createdTs[i]).changes;
  return written;
});
// After a refused batch nothing more is applied: the run has failed, and batches queued behind it
// are answered with the same error, not committed out of the caller's sight.
let refused;
parentPort.on('message', (m) => {
  if (m.close) {
    db.close();
    parentPort.close();
    return;
  }
  if (refused !== undefined) {
    parentPort.postMessage({ id: m.id, error: refused });
    return;
  }
  try {
    parentPort.postMessage({ id: m.id, written: put.immediate(m.view, m) });
  } catch (err) {
    refused = String((err && err.message) || err);
    parentPort.postMessage({ id: m.id, error: refused });
  }
});
`;

export interface WriteBehindSql {
  pragmas: readonly string[];
  /** The newer-wins upsert, parameters (entity_key, view, features, event_ts, created_ts). */
  upsert: string;
  /** The same upsert of `rowsPerUpsertMany` rows at once, their parameters in turn. */
  upsertMany: string;
  rowsPerUpsertMany: number;
}

/**
 * Batches handed over and not yet applied before `write` makes its caller wait. With 2 the two
 * threads took turns more than they overlapped (each idle a fifth to a third of the run: a slow
 * DuckDB chunk starved the worker, a slow commit stalled the reader); 8 absorbs those bursts:
 * 1 M rows × 10 features in 4.6–5.0 s instead of 5.5–5.8 s (bench/materialize.ts, same machine,
 * alternating runs). Memory stays bounded by 8 batches: with the default 5,000-row batches of 1 KB
 * rows, 40 MB (it grows with `batchSize` and with wider views).
 */
export const WRITE_BEHIND_DEPTH = 8;

/**
 * A worker applying a view's batches in order; at most `maxInFlight` batches wait for it. The store's
 * batch writer hands it batches already encoded and reduced to the newest row per key, in key order,
 * as `write` would apply them.
 */
export class SqliteWriteBehind {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (written: number) => void; reject: (err: Error) => void }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private nextId = 0;
  private failed?: Error;
  private given = 0;
  private written = 0;

  constructor(
    path: string,
    private readonly view: string,
    sql: WriteBehindSql,
    private readonly maxInFlight = WRITE_BEHIND_DEPTH,
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { driver, path, ...sql } });
    this.worker.on('message', (m: { id: number; written?: number; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new InternalError(`online store write of ${this.view} failed: ${m.error}`));
      else w?.resolve(m.written!);
    });
    const abort = (err: Error) => {
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', (err) => abort(new InternalError(`online store writer of ${this.view} stopped: ${err.message}`)));
    this.worker.on('exit', (code) => abort(new InternalError(`online store writer of ${this.view} exited (${code}) with batches unwritten`)));
  }

  /** Takes a batch (newest row per key, in key order); resolves when the worker can take the next. Rejects once a batch has failed. */
  async write(rows: EncodedWrites): Promise<void> {
    if (this.failed) throw this.failed;
    const id = this.nextId++;
    const n = rows.entityKeys.length;
    const applied = new Promise<number>((resolve, reject) => this.waiting.set(id, { resolve, reject })).then(
      (written) => {
        this.given += n;
        this.written += written;
      },
      (err: Error) => {
        this.failed ??= err;
      },
    );
    this.inFlight.add(applied);
    void applied.finally(() => this.inFlight.delete(applied));
    // Structured clone copies the strings once (joining them into one text first measured slower: bench/materialize.ts).
    this.worker.postMessage({ id, view: this.view, ...rows });
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    if (this.failed) throw this.failed;
  }

  async finish(): Promise<WriteResult> {
    await Promise.all(this.inFlight);
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ close: true });
    await exited;
    if (this.failed) throw this.failed;
    // Rows not written were older than what the store held (newer-wins).
    return { written: this.written, skipped: this.given - this.written };
  }
}
