import type { BatchContext } from '../definitions/feature-view.js';
import type { HistoricalRequest } from './offline-store.js';

/**
 * Optional capabilities of an offline store (Feast's `supports_remote_storage_export()`): callers
 * ask the store for one instead of naming a provider. Absent means the store cannot do it.
 */

/** A training set to export: entity rows and features, as for historical retrieval (the output is the exporter's). */
export type ExportRequest = Omit<HistoricalRequest, 'output'>;

/** What `prepare` hands to the run and to `finalize`: references only, never entity rows. */
export interface PreparedExport {
  /** Unique per prepare: names the staging and the run's output, and is the engine's idempotency token. */
  id: string;
  /** The statement that writes the dataset into `outputUri` (what a workflow's engine task runs). */
  statement: string;
  /** Staging that `finalize` drops: a temporary table and the storage prefix behind it. */
  table: string;
  stagePrefix: string;
  /** This run's own (empty) location under the requested output. */
  outputUri: string;
  /** Entity rows staged (= rows the dataset will have). */
  rowCount: number;
  columns: string[];
}

export interface DatasetDescription {
  s3Uri: string;
  files: number;
  rowCount: number;
  schema: { name: string; type: string }[];
}

/**
 * Writes training sets where the engine runs (Athena UNLOAD to S3), in steps a workflow can run
 * apart: prepare → run (or the workflow's own engine task) → finalize → describe.
 */
export interface DatasetExporter {
  /** Refuses (4xx) an output location the workflow may not write to. */
  assertOutput(uri: string): void;
  /** Stages the entity rows and builds the statement; writes nothing under the output yet. */
  prepare(request: ExportRequest, outputUri: string): Promise<PreparedExport>;
  /** Runs a prepared export in process and waits for it. */
  run(prepared: Pick<PreparedExport, 'id' | 'statement'>): Promise<void>;
  /** Drops the staging (after success or failure). */
  finalize(prepared: Pick<PreparedExport, 'table' | 'stagePrefix'>): Promise<void>;
  /** Location, row count and schema of a written dataset. */
  describe(outputUri: string): Promise<DatasetDescription>;
}

/** Where batch transformations (`FeatureView.batch`) run: an embedded SQL session for the duration of `fn`. */
export interface BatchEngine {
  run<T>(fn: (db: BatchContext['db']) => Promise<T>): Promise<T>;
}
