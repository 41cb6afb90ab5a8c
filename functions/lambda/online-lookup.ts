import { createOnlineLookupHandler } from '../online-lookup.js';
import { observability } from '../lib/observability.js';
import { lambdaStore } from './store.js';

/** API Gateway POST /get-online-features. */
export const handler = createOnlineLookupHandler(lambdaStore).use(observability());
