import { createOnlineLookupHandler } from '../http-online-lookup-handler.js';
import { observability } from '../lib/observability.js';
import { lambdaStore } from '../lib/lambda-store.js';

/** API Gateway POST /get-online-features. */
export const handler = createOnlineLookupHandler(lambdaStore).use(observability());
