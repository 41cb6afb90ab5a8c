import middy from '@middy/core';
import { httpErrors, json } from './lib/http-middleware.js';
import type { StoreProvider } from './lib/store-provider.js';
import type { ApiEvent, ApiResult } from './lib/types.js';

/** GET /freshness: the same JSON as `skewless freshness --json`. */
export function createFreshnessHandler(getStore: StoreProvider) {
  return middy<ApiEvent, ApiResult>()
    .use(httpErrors())
    .handler(async () => {
      const store = await getStore();
      const views = await store.freshness();
      return json(200, { views, stale: views.filter((v) => v.status === 'stale').length });
    });
}

/** GET /health */
export function createHealthHandler() {
  return middy<ApiEvent, ApiResult>().handler(async () => json(200, { status: 'ok' }));
}
