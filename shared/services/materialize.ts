import { ValidationError } from '../errors.js';
import { entityKey } from '../online/entity-key.js';
import type { OnlineWrite } from '../online/types.js';
import { viewKey, type FeatureViewSpec, type RegistryData } from '../registry/types.js';
import { DEFAULT_LIMITS } from '../util/limits.js';
import { futureIssue } from '../util/time.js';
import type { StoreContext } from './context.js';

export interface MaterializeProgress {
  (event: { view: string; rows: number; done: boolean }): void;
}

export interface ViewMaterialization {
  view: string;
  start: string;
  end: string;
  rows: number;
  written: number;
  skipped: number;
}

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

/** Copies the latest row per key in [start, end) of one view to the online store, then records the interval. */
async function materializeView(ctx: StoreContext, view: FeatureViewSpec, start: Date, end: Date, progress?: MaterializeProgress): Promise<ViewMaterialization> {
  const key = viewKey(view.name, view.version);
  const now = ctx.now();
  let rows = 0, written = 0, skipped = 0;
  let watermark = -Infinity;
  for await (const batch of ctx.offline.readLatest(view, start, end)) {
    const writes: OnlineWrite[] = batch.map((r) => {
      if (r.eventTs.getTime() > watermark) watermark = r.eventTs.getTime();
      return {
        entityKey: entityKey(view.joinKeys, r.keys),
        values: r.values,
        eventTs: r.eventTs.getTime(),
        // No created column: 0, so a push of the same event time (created = push time) wins.
        createdTs: r.createdTs?.getTime() ?? 0,
      };
    });
    const res = await ctx.online.write(key, writes, now, { ttlSeconds: view.ttlSeconds });
    rows += batch.length;
    written += res.written;
    skipped += res.skipped;
    progress?.({ view: key, rows, done: false });
  }
  // The interval is recorded only once every row is written (DESIGN §4).
  await ctx.registryStore.update((current) => {
    if (!current?.featureViews[key]) throw new ValidationError(`feature view ${key} was deleted during materialization`, [{ field: 'feature_view', message: key }]);
    const next: RegistryData = structuredClone(current);
    const state = (next.materializations[key] ??= { intervals: [] });
    state.intervals.push({ start: start.toISOString(), end: end.toISOString(), rows, completedAt: now.toISOString() });
    if (Number.isFinite(watermark) && (!state.watermark || new Date(state.watermark).getTime() < watermark)) state.watermark = new Date(watermark).toISOString();
    next.lastUpdated = now.toISOString();
    return { next, result: undefined };
  });
  progress?.({ view: key, rows, done: true });
  return { view: key, start: start.toISOString(), end: end.toISOString(), rows, written, skipped };
}

/**
 * A window ending past the store's clock (beyond the skew allowance) is refused: it would be recorded
 * as materialized, and every later incremental run would start after it and do nothing (issue 11 item 2).
 */
function assertEndNotFuture(ctx: StoreContext, end: Date): void {
  const issue = futureIssue(end, ctx.now(), (ctx.limits ?? DEFAULT_LIMITS).maxClockSkewSeconds * 1000);
  if (issue) throw new ValidationError(`end_ts: ${issue}`, [{ field: 'end_ts', message: issue }]);
}

export async function materialize(ctx: StoreContext, opts: { start: Date; end: Date; views?: string[] }, progress?: MaterializeProgress): Promise<ViewMaterialization[]> {
  assertEndNotFuture(ctx, opts.end);
  if (!(opts.start < opts.end)) throw new ValidationError('start must be before end', [{ field: 'start', message: `${opts.start.toISOString()} is not before ${opts.end.toISOString()}` }]);
  const views = targetViews((await ctx.registry()).views(), opts.views);
  const out: ViewMaterialization[] = [];
  for (const v of views) out.push(await materializeView(ctx, v, opts.start, opts.end, progress));
  return out;
}

/** start = the last recorded end, else end − ttl (ttl 0: from the epoch). Views already up to date are skipped. */
export async function materializeIncremental(ctx: StoreContext, opts: { end: Date; views?: string[] }, progress?: MaterializeProgress): Promise<ViewMaterialization[]> {
  assertEndNotFuture(ctx, opts.end);
  const registry = await ctx.registry();
  const views = targetViews(registry.views(), opts.views);
  const out: ViewMaterialization[] = [];
  for (const v of views) {
    const intervals = registry.data.materializations[viewKey(v.name, v.version)]?.intervals ?? [];
    const lastEnd = intervals.reduce((m, i) => Math.max(m, new Date(i.end).getTime()), -Infinity);
    const start = Number.isFinite(lastEnd) ? new Date(lastEnd) : new Date(v.ttlSeconds > 0 ? opts.end.getTime() - v.ttlSeconds * 1000 : 0);
    if (start >= opts.end) continue;
    out.push(await materializeView(ctx, v, start, opts.end, progress));
  }
  return out;
}
