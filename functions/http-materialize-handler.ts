import { MaterializeBody, MaterializeIncrementalBody } from '../shared/http/schemas.js';
import { jsonRoute } from './lib/http-middleware.js';
import type { StoreProvider } from './lib/store-provider.js';

export { MaterializeBody, MaterializeIncrementalBody };

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
