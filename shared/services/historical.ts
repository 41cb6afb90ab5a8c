import type { EntityInput, HistoricalResult, Progress, TableFormat } from '../offline/offline-store.js';
import type { StoreContext } from './context.js';
import { resolveRequested } from './online-read.js';

export interface HistoricalFeaturesRequest {
  entity: EntityInput;
  features?: string[];
  featureService?: string;
  fullFeatureNames?: boolean;
  output?: { path: string; format: TableFormat };
}

/** Point-in-time correct training data (DESIGN §4 PIT join). */
export async function getHistoricalFeatures(ctx: StoreContext, req: HistoricalFeaturesRequest, progress?: Progress): Promise<HistoricalResult> {
  const registry = await ctx.registry();
  const resolved = resolveRequested(registry, req.features, req.featureService, req.fullFeatureNames ?? false);
  return ctx.offline.getHistoricalFeatures({ entity: req.entity, views: resolved.views, outputs: resolved.outputs, ...(req.output ? { output: req.output } : {}) }, progress);
}
