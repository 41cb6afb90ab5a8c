import { MethodNotAllowedError, NotFoundError } from '../../shared/errors.js';
import { createFreshnessHandler, createHealthHandler } from '../http-freshness-handler.js';
import { createMaterializeHandler } from '../http-materialize-handler.js';
import { createOnlineLookupHandler } from '../http-online-lookup-handler.js';
import { createOpenApiHandler } from '../http-openapi-handler.js';
import { createPushHandler } from '../http-push-handler.js';
import { errorResult } from '../lib/http-middleware.js';
import type { StoreProvider } from '../lib/store-provider.js';
import type { ApiEvent, ApiResult } from '../lib/types.js';

type Handler = (event: ApiEvent, context: object) => Promise<ApiResult>;

/** The routes of `serve`, mapped to the same handlers the Lambdas export (docs/architecture.md). */
export function createRouter(getStore: StoreProvider, options: { maxBytes?: number } = {}) {
  const routes: Record<string, { method: string; handler: Handler }> = {
    '/get-online-features': { method: 'POST', handler: createOnlineLookupHandler(getStore, options) as Handler },
    '/push': { method: 'POST', handler: createPushHandler(getStore, options) as Handler },
    '/materialize': { method: 'POST', handler: createMaterializeHandler(getStore, false) as Handler },
    '/materialize-incremental': { method: 'POST', handler: createMaterializeHandler(getStore, true) as Handler },
    '/freshness': { method: 'GET', handler: createFreshnessHandler(getStore) as Handler },
    '/health': { method: 'GET', handler: createHealthHandler() as Handler },
    '/openapi.json': { method: 'GET', handler: createOpenApiHandler(getStore) as Handler },
  };
  return async (event: ApiEvent): Promise<ApiResult> => {
    const route = routes[event.path.replace(/\/+$/, '') || '/'];
    try {
      if (!route) throw new NotFoundError('route', event.path, `routes: ${Object.keys(routes).join(', ')}`);
      if (route.method !== event.httpMethod) throw new MethodNotAllowedError(event.httpMethod, event.path, route.method);
      return await route.handler(event, {});
    } catch (err) {
      return errorResult(err);
    }
  };
}
