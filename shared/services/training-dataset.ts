import { SkewlessError, ValidationError } from '../errors.js';
import type { AthenaOfflineStore } from '../offline/athena/athena-offline-store.js';
import type { Row } from '../offline/offline-store.js';
import type { DatasetSpec } from '../registry/types.js';
import type { StoreContext } from './context.js';
import { resolveRequested } from './online-read.js';

export interface TrainingDatasetRequest {
  features?: string[];
  featureService?: string;
  fullFeatureNames?: boolean;
  entityRows: Row[];
  /** s3:// prefix the dataset is written under. */
  outputUri: string;
  /** Registry name of the dataset. @default the last segment of outputUri */
  name?: string;
}

/** What the workflow carries from `prepare` to Athena and to `finalize`. */
export interface PreparedTrainingDataset {
  /** Name the dataset is registered under (default: derived from the output URI). */
  name: string;
  /** The feature references it holds, as requested. */
  features: string[];
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
  const name = req.name ?? (req.outputUri.replace(/\/+$/, '').split('/').pop() ?? 'dataset').replace(/[^A-Za-z0-9_.-]/g, '_');
  const features = req.featureService !== undefined ? registry.serviceRefs(req.featureService) : req.features!;
  return { name, features, queryString: store.unloadTo(prepared, req.outputUri), table: prepared.table, stagePrefix: prepared.stagePrefix, outputUri: req.outputUri.replace(/\/?$/, '/'), rowCount: prepared.rowCount, columns: prepared.columns };
}

/**
 * Last step: drop the staging table and objects; on success describe the dataset (URI, rows,
 * schema) and register it in the registry under its name.
 */
export async function finishTrainingDataset(ctx: StoreContext, prepared: Pick<PreparedTrainingDataset, 'name' | 'features' | 'table' | 'stagePrefix' | 'outputUri'>, succeeded: boolean) {
  const store = athenaStore(ctx);
  await store.cleanupDataset(prepared);
  if (!succeeded) return { status: 'FAILED' as const, outputUri: prepared.outputUri };
  const described = await store.describeDataset(prepared.outputUri);
  const dataset: DatasetSpec = { name: prepared.name, s3Uri: described.s3Uri, rowCount: described.rowCount, schema: described.schema, features: prepared.features, createdAt: ctx.now().toISOString() };
  await ctx.registryStore.update((current) => {
    if (!current) throw new ValidationError('registry is empty', [{ field: 'registry', message: 'not applied' }]);
    const next = structuredClone(current);
    next.datasets = { ...(next.datasets ?? {}), [dataset.name]: dataset };
    return { next, result: undefined };
  });
  return { status: 'SUCCEEDED' as const, ...described, name: dataset.name };
}
