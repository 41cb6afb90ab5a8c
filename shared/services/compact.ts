import { viewKey } from '../layout/view-ref.js';
import type { CompactionOptions, CompactionResult } from '../offline/compaction.js';
import type { StoreContext } from './context.js';

/**
 * Compacts the small Parquet parts that offline pushes wrote, per view (all views, or the named
 * ones). Run on a schedule (the materialize Lambda's `{ action: 'compact' }`) or by hand.
 */
export async function compactOffline(ctx: StoreContext, opts: { views?: string[] } & CompactionOptions = {}): Promise<({ view: string } & CompactionResult)[]> {
  const views = (await ctx.registry())
    .views()
    .filter((v) => !opts.views?.length || opts.views.includes(v.name) || opts.views.includes(viewKey(v.name, v.version)));
  const out: ({ view: string } & CompactionResult)[] = [];
  for (const v of views) out.push({ view: viewKey(v.name, v.version), ...(await ctx.offline.compact(v, opts)) });
  return out;
}
