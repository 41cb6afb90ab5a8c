import { z } from 'zod';
import { columnMap } from '../shared/services/rows.js';
import { JsonText, jsonRoute } from './lib/http-middleware.js';
import { checkColumnsCap } from './lib/limits.js';
import type { StoreProvider } from './lib/store-provider.js';

export const OnlineLookupBody = z.object({
  features: z.array(z.string()).optional(),
  feature_service: z.string().optional(),
  entities: columnMap(),
  full_feature_names: z.boolean().default(false),
});

/** POST /get-online-features (Feast JSON). */
export function createOnlineLookupHandler(getStore: StoreProvider, options: { maxBytes?: number } = {}) {
  return jsonRoute(
    OnlineLookupBody,
    async (body) => {
      const store = await getStore();
      checkColumnsCap(body.entities, 'entities', store.config.limits);
      // Serialized for the response's known shape, stored values copied as text (shared/services/online-response.ts).
      return new JsonText(
        await store.getOnlineFeaturesJson({
          ...(body.features ? { features: body.features } : {}),
          ...(body.feature_service !== undefined ? { featureService: body.feature_service } : {}),
          entities: body.entities,
          fullFeatureNames: body.full_feature_names,
        }),
      );
    },
    options,
  );
}
