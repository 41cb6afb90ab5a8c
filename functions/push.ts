import middy from '@middy/core';
import { z } from 'zod';
import { httpErrors, json, jsonBody, type ParsedEvent } from './lib/http-middleware.js';
import type { StoreProvider } from './lib/store-provider.js';
import type { ApiEvent, ApiResult } from './lib/types.js';

export const PushBody = z.object({
  push_source_name: z.string(),
  df: z.record(z.string(), z.array(z.unknown())),
  to: z.enum(['online', 'offline', 'online_and_offline']).default('online'),
});

/** POST /push (Feast JSON): all rows validated before anything is written. */
export function createPushHandler(getStore: StoreProvider, options: { maxBytes?: number } = {}) {
  return middy<ApiEvent, ApiResult>()
    .use(httpErrors())
    .use(jsonBody(PushBody, options) as middy.MiddlewareObj<ApiEvent, ApiResult>)
    .handler(async (event) => {
      const body = (event as ParsedEvent<z.output<typeof PushBody>>).parsed;
      const store = await getStore();
      const res = await store.push({ pushSourceName: body.push_source_name, df: body.df, to: body.to });
      return json(200, res);
    });
}

