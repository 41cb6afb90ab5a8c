import middy from '@middy/core';
import { openApiDocument } from '../shared/http/openapi.js';
import { httpErrors, json } from './lib/http-middleware.js';
import type { StoreProvider } from './lib/store-provider.js';
import type { ApiEvent, ApiResult } from './lib/types.js';

/** GET /openapi.json: the API's OpenAPI 3.1 document, with examples from the served project's registry. */
export function createOpenApiHandler(getStore: StoreProvider, version?: string) {
  return middy<ApiEvent, ApiResult>()
    .use(httpErrors())
    .handler(async () => {
      const store = await getStore();
      return json(200, openApiDocument({ project: store.config.project, registry: await store.context.registry(), ...(version ? { version } : {}) }));
    });
}
