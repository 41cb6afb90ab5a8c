import { parseFreshnessSla } from '../definitions/freshness-sla.js';
import { viewKey } from '../layout/view-ref.js';
import type { StoreContext } from './context.js';

export type FreshnessStatus = 'fresh' | 'stale' | 'no_sla';

export interface ViewFreshness {
  view: string;
  version: number;
  /** Newest event timestamp written online, or null if never written. */
  watermark: string | null;
  lastWriteAt: string | null;
  ageSeconds: number | null;
  slaSeconds: number | null;
  status: FreshnessStatus;
}

/** Freshness (docs/semantics.md#freshness): age = now − watermark; stale = age > SLA; never written = stale. */
export async function freshness(ctx: StoreContext, now = ctx.now()): Promise<ViewFreshness[]> {
  const registry = await ctx.registry();
  const marks = new Map((await ctx.online.watermarks()).map((w) => [w.view, w]));
  return registry
    .views()
    .filter((v) => v.online)
    .sort((a, b) => (a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1))
    .map((v) => {
      const w = marks.get(viewKey(v.name, v.version));
      const sla = parseFreshnessSla(v.tags.freshness_sla) ?? null;
      const age = w ? Math.max(0, Math.round((now.getTime() - w.eventTs) / 1000)) : null;
      const status: FreshnessStatus = sla === null ? 'no_sla' : age === null || age > sla ? 'stale' : 'fresh';
      return {
        view: v.name,
        version: v.version,
        watermark: w ? new Date(w.eventTs).toISOString() : null,
        lastWriteAt: w ? new Date(w.writtenAt).toISOString() : null,
        ageSeconds: age,
        slaSeconds: sla,
        status,
      };
    });
}
