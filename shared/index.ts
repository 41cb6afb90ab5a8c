export * from './definitions/index.js';
export * from './errors.js';
export { FeatureStore, type FeatureStoreOptions } from './feature-store.js';
export type { OnlineFeaturesRequest, OnlineFeaturesResponse, FeatureStatus } from './services/online-read.js';
export type { PushRequest, PushResult, PushMode } from './services/push.js';
export type { HistoricalFeaturesRequest } from './services/historical.js';
export type { ViewFreshness } from './services/freshness.js';
export type { BatchContext, BatchCompute } from './definitions/feature-view.js';
/** The audited SQL string-literal quoting, for batch transformations that build SQL. */
export { quoteString as sqlString } from './offline/sql/quote.js';
