import { z } from 'zod';
import { parseInstantResult } from '../shared/util/time.js';
import { jsonRoute } from './lib/http-middleware.js';
import type { StoreProvider } from './lib/store-provider.js';

const instant = z.unknown().transform((v, ctx) => {
  const r = parseInstantResult(v, { requireZone: true });
  if (r.ok) return r.date;
  ctx.addIssue({ code: 'custom', message: r.message });
  return z.NEVER;
});

export const MaterializeBody = z.object({ start_ts: instant, end_ts: instant, feature_views: z.array(z.string()).optional() });
export const MaterializeIncrementalBody = z.object({ end_ts: instant, feature_views: z.array(z.string()).optional() });

/** POST /materialize and /materialize-incremental on the local server (Feast's routes). */
export function createMaterializeHandler(getStore: StoreProvider, incremental: boolean) {
  if (incremental) {
    return jsonRoute(MaterializeIncrementalBody, async (body) => ({
      materialized: await (await getStore()).materializeIncremental({ end: body.end_ts, ...(body.feature_views ? { views: body.feature_views } : {}) }),
    }));
  }
  return jsonRoute(MaterializeBody, async (body) => ({
    materialized: await (await getStore()).materialize({
      start: body.start_ts,
      end: body.end_ts,
      ...(body.feature_views ? { views: body.feature_views } : {}),
    }),
  }));
}
