import { OnlineLookupBody } from '../shared/http/schemas.js';
import { JsonBytes, jsonRoute } from './lib/http-middleware.js';
import { checkColumnsCap } from './lib/limits.js';
import { schemaHashCheck } from './lib/schema-hash-check.js';
import type { StoreProvider } from './lib/store-provider.js';

export { OnlineLookupBody };

/** POST /get-online-features (Feast JSON). */
export function createOnlineLookupHandler(getStore: StoreProvider, options: { maxBytes?: number } = {}) {
  return jsonRoute(
    OnlineLookupBody,
    async (body) => {
      const store = await getStore();
      checkColumnsCap(body.entities, 'entities', store.config.limits);
      // Serialized for the response's known shape, stored values copied as text (shared/services/online-response.ts).
      return new JsonBytes(
        await store.getOnlineFeaturesJson({
          ...(body.features ? { features: body.features } : {}),
          ...(body.feature_service !== undefined ? { featureService: body.feature_service } : {}),
          entities: body.entities,
          fullFeatureNames: body.full_feature_names,
        }),
      );
    },
    { ...options, before: [schemaHashCheck(getStore)] },
  );
}
