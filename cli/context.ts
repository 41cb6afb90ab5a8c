import { FeatureStore } from '../shared/feature-store.js';
import type { GlobalOptions } from './output.js';

/** Opens the repo's store, runs `fn`, and always closes it. */
export async function withStore<T>(opts: GlobalOptions, fn: (store: FeatureStore) => Promise<T>, now?: () => Date): Promise<T> {
  const store = await FeatureStore.open(opts.repo, now ? { now } : {});
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
