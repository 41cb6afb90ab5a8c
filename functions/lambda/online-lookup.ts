import middy from '@middy/core';
import { createOnlineLookupHandler } from '../http-online-lookup-handler.js';
import { lambdaStore } from '../lib/lambda-store.js';
import { observability } from '../lib/observability.js';
import type { ApiEvent, ApiResult } from '../lib/types.js';

/** API Gateway POST /get-online-features. */
export const handler = middy<ApiEvent, ApiResult>().use(observability()).handler(createOnlineLookupHandler(lambdaStore));
