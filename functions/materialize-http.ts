import middy from '@middy/core';
import { z } from 'zod';
import { parseInstant } from '../shared/util/time.js';
import { httpErrors, json, jsonBody, type ParsedEvent } from './lib/http-middleware.js';
import type { StoreProvider } from './lib/store-provider.js';
import type { ApiEvent, ApiResult } from './lib/types.js';

const instant = z.unknown().transform((v, ctx) => parseInstant(v) ?? (ctx.addIssue({ code: 'custom', message: 'expected an RFC 3339 timestamp' }), z.NEVER));

export const MaterializeBody = z.object({ start_ts: instant, end_ts: instant, feature_views: z.array(z.string()).optional() });
export const MaterializeIncrementalBody = z.object({ end_ts: instant, feature_views: z.array(z.string()).optional() });

/** POST /materialize and /materialize-incremental on the local server (Feast's routes). */
export function createMaterializeHandler(getStore: StoreProvider, incremental: boolean) {
  const schema = incremental ? MaterializeIncrementalBody : MaterializeBody;
  return middy<ApiEvent, ApiResult>()
    .use(httpErrors())
    .use(jsonBody(schema) as middy.MiddlewareObj<ApiEvent, ApiResult>)
    .handler(async (event) => {
      const body = (event as ParsedEvent<{ start_ts?: Date; end_ts: Date; feature_views?: string[] }>).parsed;
      const store = await getStore();
      const views = body.feature_views;
      const res = incremental
        ? await store.materializeIncremental({ end: body.end_ts, ...(views ? { views } : {}) })
        : await store.materialize({ start: body.start_ts!, end: body.end_ts, ...(views ? { views } : {}) });
      return json(200, { materialized: res });
    });
}
