import middy from '@middy/core';
import { z } from 'zod';
import { httpErrors, json, jsonBody, type ParsedEvent } from './lib/http-middleware.js';
import type { StoreProvider } from './lib/store-provider.js';
import type { ApiEvent, ApiResult } from './lib/types.js';

export const OnlineLookupBody = z.object({
  features: z.array(z.string()).optional(),
  feature_service: z.string().optional(),
  entities: z.record(z.string(), z.array(z.unknown())),
  full_feature_names: z.boolean().default(false),
});

/** POST /get-online-features (Feast JSON). */
export function createOnlineLookupHandler(getStore: StoreProvider, options: { maxBytes?: number } = {}) {
  return middy<ApiEvent, ApiResult>()
    .use(httpErrors())
    .use(jsonBody(OnlineLookupBody, options) as middy.MiddlewareObj<ApiEvent, ApiResult>)
    .handler(async (event) => {
      const body = (event as ParsedEvent<z.output<typeof OnlineLookupBody>>).parsed;
      const store = await getStore();
      const res = await store.getOnlineFeatures({
        ...(body.features ? { features: body.features } : {}),
        ...(body.feature_service !== undefined ? { featureService: body.feature_service } : {}),
        entities: body.entities,
        fullFeatureNames: body.full_feature_names,
      });
      return json(200, res);
    });
}

