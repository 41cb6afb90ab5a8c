import { SourceFileMissingError, ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import type { MaterializationRun } from '../offline/materialization-source.js';
import type { StoreContext } from './context.js';
import { finishRun, incrementalStart, planRun, replanRun, runChunk, type ChunkingOptions, type ViewMaterialization } from './materialize.js';

/** What the plan step hands to the Distributed Map: references only (the chunk list stays in S3). */
export interface PlannedWindow {
  upToDate: boolean;
  runId?: string;
  view: string;
  start?: string;
  end?: string;
  chunks: number;
  /** The run's chunk indexes as a JSON array in S3, for the Map's ItemReader. */
  items?: { bucket: string; key: string };
}

async function getRun(ctx: StoreContext, runId: string): Promise<MaterializationRun> {
  const run = await ctx.offline.checkpoints().getRun(runId);
  if (!run) throw new ValidationError(`no open materialization run '${runId}' (already finished?)`, [{ field: 'runId', message: 'unknown run' }]);
  return run;
}

async function describe(ctx: StoreContext, run: MaterializationRun): Promise<PlannedWindow> {
  const items = await ctx.offline.checkpoints().publishItems?.(run);
  return { upToDate: false, runId: run.runId, view: run.view, start: run.start, end: run.end, chunks: run.chunks.length, ...(items ? { items } : {}) };
}

/**
 * Step 1 of the fan-out workflow, for one view. An unfinished run of the view is resumed first (its
 * finished chunks are skipped by the workers); otherwise the window is [start or the last recorded
 * end, end), planned into chunks and stored.
 */
export async function planStep(ctx: StoreContext, input: { view: string; start?: Date; end: Date } & ChunkingOptions): Promise<PlannedWindow> {
  const registry = await ctx.registry();
  const view = registry.view(input.view);
  if (!view.online) throw new ValidationError(`feature view '${input.view}' is offline-only`, [{ field: 'view', message: 'not online' }]);
  const key = viewKey(view.name, view.version);
  if (!input.start) {
    const [open] = await ctx.offline.checkpoints().openRuns(key);
    if (open) return describe(ctx, open);
  }
  const start = input.start ?? incrementalStart((await ctx.registryStore.read()) ?? registry.data, view, input.end);
  if (start >= input.end) return { upToDate: true, view: key, chunks: 0 };
  return describe(ctx, await planRun(ctx, view, start, input.end, input));
}

/** Step 2, one Map item: one chunk. A vanished source file re-plans the run and fails the item (the next execution resumes the new plan). */
export async function chunkStep(
  ctx: StoreContext,
  input: { runId: string; chunk: number } & ChunkingOptions,
): Promise<{ chunk: number; rows: number; alreadyDone: boolean }> {
  const run = await getRun(ctx, input.runId);
  try {
    const r = await runChunk(ctx, run, input.chunk, input);
    return { chunk: input.chunk, rows: r.rows, alreadyDone: r.alreadyDone };
  } catch (err) {
    if (err instanceof SourceFileMissingError) await replanRun(ctx, run, input);
    throw err;
  }
}

/** Step 3: every chunk checkpointed → watermark, registry interval, checkpoints removed. */
export async function finishStep(ctx: StoreContext, input: { runId: string }): Promise<ViewMaterialization> {
  return finishRun(ctx, await getRun(ctx, input.runId));
}
