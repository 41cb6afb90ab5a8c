import type { FeatureStore } from '../../shared/feature-store.js';

/** How a handler gets its FeatureStore: injected by `serve` and tests, built from the environment in Lambda. */
export type StoreProvider = () => Promise<FeatureStore>;
