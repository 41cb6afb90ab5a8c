import { FeatureStore } from '../../shared/feature-store.js';

/** How a handler gets its FeatureStore: injected by `serve` and tests, from the environment in Lambda. */
export type StoreProvider = () => Promise<FeatureStore>;

let cached: Promise<FeatureStore> | undefined;

/** Lambda: one store per warm container, opened from SKEWLESS_REPO_DIR (config + registry JSON, never TS). */
export const storeFromEnv: StoreProvider = () => {
  cached ??= FeatureStore.open(process.env.SKEWLESS_REPO_DIR ?? process.cwd()).catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
};
