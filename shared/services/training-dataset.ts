import { UnsupportedError, ValidationError } from '../errors.js';
import type { DatasetExporter } from '../offline/capabilities.js';
import type { Row } from '../offline/offline-store.js';
import type { DatasetSpec } from '../registry/types.js';
import type { StoreContext } from './context.js';
import { resolveRequested } from './online-read.js';

/** Inline entity rows are for small sets: the request travels inside Step Functions state (256 KB cap). */
export const MAX_INLINE_ENTITY_ROWS = 1000;

export interface TrainingDatasetRequest {
  features?: string[];
  featureService?: string;
  fullFeatureNames?: boolean;
  /** Inline entity rows (at most MAX_INLINE_ENTITY_ROWS); give `entitySource` for anything larger. */
  entityRows?: Row[];
  /** Entity rows in a Parquet or CSV object in S3: the main path for training sets. */
  entitySource?: { uri: string; format?: 'parquet' | 'csv' };
  /** s3:// prefix under the data bucket's datasets/ prefix; each run writes under its own `run-<id>/` inside it. */
  outputUri: string;
  /** Registry name of the dataset. @default the last segment of outputUri */
  name?: string;
}

/**
 * What the workflow carries from `prepare` to Athena and to `finalize`: references only (names,
 * URIs, the statement), never entity rows, so its size does not grow with the training set.
 */
export interface PreparedTrainingDataset {
  /** Name the dataset is registered under (default: derived from the output URI). */
  name: string;
  /** The feature references it holds, as requested. */
  features: string[];
  queryString: string;
  /** Athena ClientRequestToken: a retried StartQueryExecution returns the same query instead of a second UNLOAD. */
  clientRequestToken: string;
  table: string;
  stagePrefix: string;
  /** This run's own (empty) prefix under the requested output URI: where UNLOAD writes. */
  outputUri: string;
  /** Entity rows staged (= rows the dataset will have). */
  rowCount: number;
  columns: string[];
}

/** The offline store's dataset exporter; a store without one cannot run the training workflow. */
function exporterOf(ctx: StoreContext): DatasetExporter {
  const exporter = ctx.offline.datasetExporter;
  if (!exporter) throw new UnsupportedError('training dataset workflows need an offline store that exports datasets (provider aws: Athena UNLOAD)');
  return exporter;
}

/**
 * Step one of the Step Functions training workflow: validate references, stage the entity rows,
 * build the UNLOAD statement that Athena's `.sync` task runs next.
 */
export async function prepareTrainingDataset(ctx: StoreContext, req: TrainingDatasetRequest): Promise<PreparedTrainingDataset> {
  const registry = await ctx.registry();
  const resolved = resolveRequested(registry, req.features, req.featureService, req.fullFeatureNames ?? false);
  if (resolved.onDemand.length) {
    throw new ValidationError(
      `on demand features (${resolved.onDemand.map((o) => o.spec.name).join(', ')}) run in process; request them with get-historical-features`,
      [{ field: 'features', message: 'on demand views are not computed by Athena' }],
    );
  }
  const exporter = exporterOf(ctx);
  exporter.assertOutput(req.outputUri);
  if ((req.entityRows === undefined) === (req.entitySource === undefined)) {
    throw new ValidationError('give entity rows either inline (entity_rows) or as an s3:// Parquet / CSV file (entity_uri), not both', [
      { field: 'entity_uri', message: 'exactly one of entity_rows, entity_uri' },
    ]);
  }
  if (req.entityRows && req.entityRows.length > MAX_INLINE_ENTITY_ROWS) {
    throw new ValidationError(
      `${req.entityRows.length} inline entity rows: inline rows are for at most ${MAX_INLINE_ENTITY_ROWS}; put larger sets in S3 (Parquet or CSV) and pass entity_uri`,
      [{ field: 'entity_rows', message: `at most ${MAX_INLINE_ENTITY_ROWS} rows inline` }],
    );
  }
  const entity = req.entitySource
    ? { path: req.entitySource.uri, ...(req.entitySource.format ? { format: req.entitySource.format } : {}) }
    : { rows: req.entityRows! };
  const prepared = await exporter.prepare({ entity, views: resolved.views, outputs: resolved.outputs }, req.outputUri);
  const name = req.name ?? (req.outputUri.replace(/\/+$/, '').split('/').pop() ?? 'dataset').replace(/[^A-Za-z0-9_.-]/g, '_');
  const features = req.featureService !== undefined ? registry.serviceRefs(req.featureService) : req.features!;
  const { statement, id, ...rest } = prepared;
  return { name, features, queryString: statement, clientRequestToken: id, ...rest };
}

/**
 * Last step: drop the staging table and objects; on success describe the dataset (URI, rows,
 * schema) and register it in the registry under its name.
 */
export async function finishTrainingDataset(
  ctx: StoreContext,
  prepared: Pick<PreparedTrainingDataset, 'name' | 'features' | 'table' | 'stagePrefix' | 'outputUri'>,
  succeeded: boolean,
) {
  const exporter = exporterOf(ctx);
  await exporter.finalize(prepared);
  if (!succeeded) return { status: 'FAILED' as const, outputUri: prepared.outputUri };
  const described = await exporter.describe(prepared.outputUri);
  const dataset: DatasetSpec = {
    name: prepared.name,
    s3Uri: described.s3Uri,
    rowCount: described.rowCount,
    schema: described.schema,
    features: prepared.features,
    createdAt: ctx.now().toISOString(),
  };
  await ctx.registryStore.update((current) => {
    if (!current) throw new ValidationError('registry is empty', [{ field: 'registry', message: 'not applied' }]);
    const next = structuredClone(current);
    next.datasets = { ...(next.datasets ?? {}), [dataset.name]: dataset };
    return { next, result: undefined };
  });
  return { status: 'SUCCEEDED' as const, ...described, name: dataset.name };
}
