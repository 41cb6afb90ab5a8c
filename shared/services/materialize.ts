import { IncompleteRunError, SourceFileMissingError, ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import { planChunks, runIdOf, type ChunkResult, type MaterializationRun } from '../offline/materialization-source.js';
import { entityKeyer } from '../online/entity-key.js';
import { encodeValues } from '../online/encode-values.js';
import type { BatchWriter, EncodedWrites } from '../online/online-store.js';
import type { OnlineWrite } from '../online/types.js';
import { type LatestColumns, type LatestRow, latestRowInto } from '../offline/offline-store.js';
import { covers, mergeIntervals } from '../registry/intervals.js';
import type { FeatureViewSpec, RegistryData } from '../registry/types.js';
import { DEFAULT_LIMITS } from '../util/limits.js';
import { futureIssue } from '../util/time.js';
import type { StoreContext } from './context.js';
import { runTileChunk } from './materialize-tiles.js';

export type MaterializeProgress = (event: { view: string; rows: number; done: boolean }) => void;

export interface ViewMaterialization {
  view: string;
  start: string;
  end: string;
  rows: number;
  written: number;
  skipped: number;
}

/** How a window is cut into work. */
export interface ChunkingOptions {
  /** Source bytes per chunk (one worker's unit of work and of checkpointing): small enough that a chunk finishes well inside one 15-minute Lambda (docs/materialization.md). @default 4 MiB */
  chunkBytes?: number;
  /** Rows per online write call (one SQLite transaction locally: fewer, larger commits). @default 5000 */
  batchSize?: number;
}

const DEFAULT_CHUNK_BYTES = 4 * 2 ** 20;
const DEFAULT_BATCH = 5000;

/** Online-enabled views, optionally narrowed to names or `name@vN` keys. */
function targetViews(all: FeatureViewSpec[], names?: string[]): FeatureViewSpec[] {
  const online = all.filter((v) => v.online);
  if (!names?.length) return online;
  return names.map((n) => {
    const v = online.find((x) => x.name === n || viewKey(x.name, x.version) === n);
    if (!v) throw new ValidationError(`unknown or offline-only feature view '${n}'`, [{ field: 'feature_views', message: `'${n}' is not an online view` }]);
    return v;
  });
}

async function viewOf(ctx: StoreContext, key: string): Promise<FeatureViewSpec> {
  const v = (await ctx.registry()).data.featureViews[key];
  if (!v) throw new ValidationError(`feature view ${key} is not registered (deleted during materialization?)`, [{ field: 'feature_view', message: key }]);
  return v;
}

/**
 * A window ending past the store's clock (beyond the skew allowance) is refused: it would be recorded
 * as materialized, and every later incremental run would start after it and do nothing (issue 11 item 2).
 */
function assertEndNotFuture(ctx: StoreContext, end: Date): void {
  const issue = futureIssue(end, ctx.now(), (ctx.limits ?? DEFAULT_LIMITS).maxClockSkewSeconds * 1000);
  if (issue) throw new ValidationError(`end_ts: ${issue}`, [{ field: 'end_ts', message: issue }]);
}

/**
 * The run of [start, end) for a view: the stored one if a previous attempt planned it (resume),
 * else a new plan over the source files as listed now, cut into chunks and stored before any write.
 */
export async function planRun(ctx: StoreContext, view: FeatureViewSpec, start: Date, end: Date, opts: ChunkingOptions = {}): Promise<MaterializationRun> {
  const key = viewKey(view.name, view.version);
  const checkpoints = ctx.offline.checkpoints();
  const existing = await checkpoints.getRun(runIdOf(key, start, end));
  if (existing) return existing;
  const files = await ctx.offline.listSourceFiles(view, start, end);
  return checkpoints.createRun({
    runId: runIdOf(key, start, end),
    view: key,
    start: start.toISOString(),
    end: end.toISOString(),
    generation: 0,
    chunks: planChunks(files, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES),
    createdAt: ctx.now().toISOString(),
  });
}

/** Plans the run again over the files as they are now (some planned file disappeared, e.g. by compaction). */
export async function replanRun(ctx: StoreContext, run: MaterializationRun, opts: ChunkingOptions = {}): Promise<MaterializationRun> {
  const view = await viewOf(ctx, run.view);
  const files = await ctx.offline.listSourceFiles(view, new Date(run.start), new Date(run.end));
  const next = { ...run, generation: run.generation + 1, chunks: planChunks(files, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES) };
  await ctx.offline.checkpoints().replan(next);
  return next;
}

/**
 * Writes one chunk (newer-wins, watermark untouched) and then checkpoints it. A chunk already
 * checkpointed is not read again. A crash mid-chunk leaves it unchecked: it is redone on resume,
 * which is harmless because online writes are idempotent under newer-wins.
 */
export async function runChunk(
  ctx: StoreContext,
  run: MaterializationRun,
  index: number,
  opts: ChunkingOptions = {},
  progress?: (rows: number) => void,
): Promise<ChunkResult & { alreadyDone: boolean }> {
  const checkpoints = ctx.offline.checkpoints();
  const done = (await checkpoints.doneChunks(run)).get(index);
  if (done) return { ...done, alreadyDone: true };
  const chunk = run.chunks[index];
  if (!chunk)
    throw new ValidationError(`materialization ${run.runId} has no chunk ${index}`, [{ field: 'chunk', message: `0 ≤ chunk < ${run.chunks.length}` }]);
  const view = await viewOf(ctx, run.view);
  if (view.aggregation) {
    // Aggregation views are backfilled into tiles: every event, not the latest row per key.
    const tiled = await runTileChunk(ctx, run, view, chunk, progress);
    await checkpoints.markDone(run, index, tiled);
    return { ...tiled, alreadyDone: false };
  }
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const now = ctx.now();
  const result: ChunkResult = { rows: 0, written: 0, skipped: 0, maxEventTs: null };
  // A store may apply batches behind this loop (SQLite: on a worker); the chunk is checkpointed only once all are applied.
  const writer = ctx.online.batchWriter(run.view, now, { ttlSeconds: view.ttlSeconds, advanceWatermark: false });
  const [start, end] = [new Date(run.start), new Date(run.end)];
  const counted = (rows: number, maxEventTs: number | null) => {
    result.rows += rows;
    if (maxEventTs !== null && (result.maxEventTs === null || maxEventTs > result.maxEventTs)) result.maxEventTs = maxEventTs;
    progress?.(rows);
  };
  // The join keys are sorted and quoted once per chunk, not once per row.
  const keyOf = entityKeyer(view.joinKeys);
  try {
    const columns = writer.writeEncoded && ctx.offline.readLatestColumnsFrom?.(view, chunk.files, start, end);
    if (columns) await writeEncodedRows(view, columns, keyOf, batchSize, writer.writeEncoded!.bind(writer), counted);
    else await writeRows(ctx.offline.readLatestFrom(view, chunk.files, start, end), keyOf, batchSize, writer, counted);
  } catch (err) {
    // The writer still has to stop (a worker must not outlive the run); the read or write failure is what the caller hears.
    await writer.finish().catch(() => undefined);
    throw err;
  }
  const totals = await writer.finish();
  result.written = totals.written;
  result.skipped = totals.skipped;
  await checkpoints.markDone(run, index, result);
  return { ...result, alreadyDone: false };
}

type Counted = (rows: number, maxEventTs: number | null) => void;

/** Latest rows as objects, in write batches of `batchSize`. */
async function writeRows(
  batches: AsyncIterable<LatestRow[]>,
  keyOf: (row: Record<string, unknown>) => string,
  batchSize: number,
  writer: BatchWriter,
  counted: Counted,
): Promise<void> {
  let pending: OnlineWrite[] = [];
  let maxTs: number | null = null;
  const flush = async () => {
    await writer.write(pending);
    counted(pending.length, maxTs);
    pending = [];
    maxTs = null;
  };
  for await (const batch of batches) {
    for (const r of batch) {
      const ts = r.eventTs.getTime();
      if (maxTs === null || ts > maxTs) maxTs = ts;
      // No created column: 0, so a push of the same event time (created = push time) wins.
      pending.push({ entityKey: keyOf(r.keys), values: r.values, eventTs: ts, createdTs: r.createdTs?.getTime() ?? 0 });
      if (pending.length >= batchSize) await flush();
    }
  }
  if (pending.length) await flush();
}

/**
 * Latest rows straight from the engine's columns to each row's key and values JSON (`encodeValues`,
 * the text the store keeps), in write batches of `batchSize`. One key object and one values object
 * are refilled for every row, so no row leaves objects behind: a batch held until it is written is
 * then only its strings, and garbage collection stops dominating the scan.
 */
async function writeEncodedRows(
  view: FeatureViewSpec,
  chunks: AsyncIterable<LatestColumns>,
  keyOf: (row: Record<string, unknown>) => string,
  batchSize: number,
  writeEncoded: (rows: EncodedWrites) => Promise<void>,
  counted: Counted,
): Promise<void> {
  const keyNames = view.joinKeys.map((k) => k.name);
  const featureNames = view.features.map((f) => f.name);
  const keys: Record<string, unknown> = {};
  const values: Record<string, unknown> = {};
  const empty = (): EncodedWrites => ({ entityKeys: [], valuesJson: [], eventTs: [], createdTs: [] });
  let pending = empty();
  let maxTs: number | null = null;
  const flush = async () => {
    await writeEncoded(pending);
    counted(pending.entityKeys.length, maxTs);
    pending = empty();
    maxTs = null;
  };
  for await (const c of chunks) {
    for (const i of c.rows) {
      latestRowInto(c, i, keyNames, featureNames, keys, values);
      const ts = (c.eventTs[i] as Date).getTime();
      if (maxTs === null || ts > maxTs) maxTs = ts;
      const created = c.createdTs[i];
      pending.entityKeys.push(keyOf(keys));
      pending.valuesJson.push(encodeValues(values));
      pending.eventTs.push(ts);
      // No created column: 0, so a push of the same event time (created = push time) wins.
      pending.createdTs.push(created instanceof Date ? created.getTime() : 0);
      if (pending.entityKeys.length >= batchSize) await flush();
    }
  }
  if (pending.entityKeys.length) await flush();
}

/**
 * Closes a run once every chunk is checkpointed: the watermark moves to the newest event of the
 * window (only now is every row of it durably written), the interval is merged into the registry,
 * and the checkpoints are removed. Repeating it after a crash changes nothing more.
 */
export async function finishRun(ctx: StoreContext, run: MaterializationRun): Promise<ViewMaterialization> {
  const checkpoints = ctx.offline.checkpoints();
  const done = await checkpoints.doneChunks(run);
  const missing = run.chunks.filter((c) => !done.has(c.index)).map((c) => c.index);
  if (missing.length) throw new IncompleteRunError(run, missing);
  const totals = { rows: 0, written: 0, skipped: 0, maxEventTs: null as number | null };
  for (const r of done.values()) {
    totals.rows += r.rows;
    totals.written += r.written;
    totals.skipped += r.skipped;
    if (r.maxEventTs !== null && (totals.maxEventTs === null || r.maxEventTs > totals.maxEventTs)) totals.maxEventTs = r.maxEventTs;
  }
  const now = ctx.now();
  if (totals.maxEventTs !== null) await ctx.online.recordWatermark(run.view, totals.maxEventTs, now);
  const [start, end] = [new Date(run.start), new Date(run.end)];
  // The interval is recorded only once every row is written (docs/semantics.md#materialization).
  await ctx.registryStore.update((current) => {
    if (!current?.featureViews[run.view])
      throw new ValidationError(`feature view ${run.view} was deleted during materialization`, [{ field: 'feature_view', message: run.view }]);
    const next: RegistryData = structuredClone(current);
    const state = (next.materializations[run.view] ??= { intervals: [] });
    if (!covers(state.intervals, start, end)) {
      state.intervals = mergeIntervals([...state.intervals, { start: run.start, end: run.end, rows: totals.rows, completedAt: now.toISOString() }]);
      next.lastUpdated = now.toISOString();
    }
    if (totals.maxEventTs !== null && (!state.watermark || Date.parse(state.watermark) < totals.maxEventTs)) {
      state.watermark = new Date(totals.maxEventTs).toISOString();
      next.lastUpdated = now.toISOString();
    }
    return { next, result: undefined };
  });
  await checkpoints.closeRun(run);
  return { view: run.view, start: run.start, end: run.end, rows: totals.rows, written: totals.written, skipped: totals.skipped };
}

/** Every remaining chunk in this process, then finish. Re-plans once if a planned file vanished. */
export async function completeRun(
  ctx: StoreContext,
  run: MaterializationRun,
  opts: ChunkingOptions = {},
  progress?: MaterializeProgress,
): Promise<ViewMaterialization> {
  let rows = 0;
  const tick = (n: number) => progress?.({ view: run.view, rows: (rows += n), done: false });
  for (let attempt = 0; ; attempt++) {
    try {
      for (const c of run.chunks) await runChunk(ctx, run, c.index, opts, tick);
      break;
    } catch (err) {
      if (!(err instanceof SourceFileMissingError) || attempt > 0) throw err;
      run = await replanRun(ctx, run, opts);
    }
  }
  const result = await finishRun(ctx, run);
  progress?.({ view: run.view, rows: result.rows, done: true });
  return result;
}

export async function materialize(
  ctx: StoreContext,
  opts: { start: Date; end: Date; views?: string[] } & ChunkingOptions,
  progress?: MaterializeProgress,
): Promise<ViewMaterialization[]> {
  assertEndNotFuture(ctx, opts.end);
  if (!(opts.start < opts.end))
    throw new ValidationError('start must be before end', [{ field: 'start', message: `${opts.start.toISOString()} is not before ${opts.end.toISOString()}` }]);
  const views = targetViews((await ctx.registry()).views(), opts.views);
  const out: ViewMaterialization[] = [];
  for (const v of views) out.push(await completeRun(ctx, await planRun(ctx, v, opts.start, opts.end, opts), opts, progress));
  return out;
}

/** Where the next incremental window of a view starts: the last recorded end, else end − ttl (ttl 0: the epoch). */
export function incrementalStart(registry: RegistryData, view: FeatureViewSpec, end: Date): Date {
  const intervals = registry.materializations[viewKey(view.name, view.version)]?.intervals ?? [];
  const lastEnd = intervals.reduce((m, i) => Math.max(m, Date.parse(i.end)), -Infinity);
  return Number.isFinite(lastEnd) ? new Date(lastEnd) : new Date(view.ttlSeconds > 0 ? end.getTime() - view.ttlSeconds * 1000 : 0);
}

/**
 * Resumes each view's unfinished runs first (a crashed or timed-out earlier call), then runs
 * [last recorded end, end). Views already up to date are skipped.
 */
export async function materializeIncremental(
  ctx: StoreContext,
  opts: { end: Date; views?: string[] } & ChunkingOptions,
  progress?: MaterializeProgress,
): Promise<ViewMaterialization[]> {
  assertEndNotFuture(ctx, opts.end);
  const views = targetViews((await ctx.registry()).views(), opts.views);
  const out: ViewMaterialization[] = [];
  for (const v of views) {
    for (const open of await ctx.offline.checkpoints().openRuns(viewKey(v.name, v.version))) out.push(await completeRun(ctx, open, opts, progress));
    const start = incrementalStart((await ctx.registryStore.read()) ?? (await ctx.registry()).data, v, opts.end);
    if (start >= opts.end) continue;
    out.push(await completeRun(ctx, await planRun(ctx, v, start, opts.end, opts), opts, progress));
  }
  return out;
}
