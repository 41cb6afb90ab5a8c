import { FeatureStore } from '../shared/feature-store.js';
import type { GlobalOptions } from './output.js';

/**
 * Opens the repo's store, runs `fn`, and always closes it. With `code`, the repo's definitions are
 * loaded first so on-demand and batch transformations can run in this process.
 */
export async function withStore<T>(opts: GlobalOptions, fn: (store: FeatureStore) => Promise<T>, now?: () => Date, code = false): Promise<T> {
  const store = await FeatureStore.open(opts.repo, now ? { now } : {});
  try {
    if (code) await store.loadDefinitions();
    return await fn(store);
  } finally {
    await store.close();
  }
}
