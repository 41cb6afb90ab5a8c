import { PushBody } from '../shared/http/schemas.js';
import { jsonRoute } from './lib/http-middleware.js';
import { checkColumnsCap } from './lib/limits.js';
import type { StoreProvider } from './lib/store-provider.js';

export { PushBody };

/** POST /push (Feast JSON): all rows validated before anything is written. */
export function createPushHandler(getStore: StoreProvider, options: { maxBytes?: number } = {}) {
  return jsonRoute(
    PushBody,
    async (body) => {
      const store = await getStore();
      checkColumnsCap(body.df, 'df', store.config.limits);
      return store.push({ pushSourceName: body.push_source_name, df: body.df, to: body.to });
    },
    options,
  );
}
