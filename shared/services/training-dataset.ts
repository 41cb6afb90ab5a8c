import { SkewlessError, ValidationError } from '../errors.js';
import type { AthenaOfflineStore } from '../offline/athena/athena-offline-store.js';
import type { Row } from '../offline/offline-store.js';
import type { StoreContext } from './context.js';
import { resolveRequested } from './online-read.js';

export interface TrainingDatasetRequest {
  features?: string[];
  featureService?: string;
  fullFeatureNames?: boolean;
  entityRows: Row[];
  /** s3:// prefix the dataset is written under. */
  outputUri: string;
}

/** What the workflow carries from `prepare` to Athena and to `finalize`. */
export interface PreparedTrainingDataset {
  queryString: string;
  table: string;
  stagePrefix: string;
  outputUri: string;
  rowCount: number;
  columns: string[];
}

function athenaStore(ctx: StoreContext): AthenaOfflineStore {
  const store = ctx.offline as Partial<AthenaOfflineStore>;
  if (typeof store.prepareDataset !== 'function') {
    throw new SkewlessError('training dataset workflows need provider aws (Athena)', { code: 'UNSUPPORTED', status: 400 });
  }
  return ctx.offline as AthenaOfflineStore;
}

/**
 * Step one of the Step Functions training workflow: validate references, stage the entity rows,
 * build the UNLOAD statement that Athena's `.sync` task runs next.
 */
export async function prepareTrainingDataset(ctx: StoreContext, req: TrainingDatasetRequest): Promise<PreparedTrainingDataset> {
  const registry = await ctx.registry();
  const resolved = resolveRequested(registry, req.features, req.featureService, req.fullFeatureNames ?? false);
  if (resolved.onDemand.length) {
    throw new ValidationError(`on demand features (${resolved.onDemand.map((o) => o.spec.name).join(', ')}) run in process; request them with get-historical-features`, [{ field: 'features', message: 'on demand views are not computed by Athena' }]);
  }
  const store = athenaStore(ctx);
  const prepared = await store.prepareDataset({ entity: { rows: req.entityRows }, views: resolved.views, outputs: resolved.outputs });
  return { queryString: store.unloadTo(prepared, req.outputUri), table: prepared.table, stagePrefix: prepared.stagePrefix, outputUri: req.outputUri.replace(/\/?$/, '/'), rowCount: prepared.rowCount, columns: prepared.columns };
}

/** Last step: drop the staging table and objects; on success describe the dataset (URI, rows, schema). */
export async function finishTrainingDataset(ctx: StoreContext, prepared: Pick<PreparedTrainingDataset, 'table' | 'stagePrefix' | 'outputUri'>, succeeded: boolean) {
  const store = athenaStore(ctx);
  await store.cleanupDataset(prepared);
  if (!succeeded) return { status: 'FAILED' as const, outputUri: prepared.outputUri };
  return { status: 'SUCCEEDED' as const, ...(await store.describeDataset(prepared.outputUri)) };
}
