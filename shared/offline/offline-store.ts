import type { DType } from '../definitions/dtypes.js';
import type { FeatureViewSpec } from '../registry/types.js';
import type { ViewRequest } from '../registry/registry.js';
import type { DatasetExporter } from './capabilities.js';
import type { CompactionOptions, CompactionResult } from './compaction.js';
import type { CheckpointStore, SourceFile } from './materialization-source.js';

export type Row = Record<string, unknown>;
export type TableFormat = 'parquet' | 'csv' | 'json';

/**
 * Entity rows for historical retrieval: in memory, or a Parquet / CSV file given as a local path or
 * an s3:// URI (every store reads both; a large file is read in chunks, never whole).
 */
export type EntityInput = { rows: readonly Row[] } | { path: string; format?: 'parquet' | 'csv' };

export interface HistoricalRequest {
  entity: EntityInput;
  views: ViewRequest[];
  /** Output column per requested feature, in request order. */
  outputs: { view: string; feature: string; name: string }[];
  /** Write the training set here instead of returning rows. */
  output?: { path: string; format: TableFormat };
}

export interface HistoricalResult {
  rowCount: number;
  columns: string[];
  rows?: Row[];
  path?: string;
  sql: string;
}

export type Progress = (fraction: number, detail?: string) => void;

/** One source row prepared for the online store. */
export interface LatestRow {
  keys: Row;
  values: Row;
  eventTs: Date;
  createdTs?: Date;
}

/**
 * `readLatestFrom`'s rows as the engine hands them, column-major (one engine chunk): `rows` lists the
 * chunk's rows that are the latest of their key. Columns follow the view's join keys and features.
 */
export interface LatestColumns {
  keys: readonly unknown[][];
  values: readonly unknown[][];
  eventTs: readonly unknown[];
  createdTs: readonly unknown[];
  rows: readonly number[];
}

/**
 * Row `i` of a `LatestColumns` chunk into `keys` and `values`, named by the view's join keys and
 * features (a missing value as null). The objects are the caller's: fresh per row, or refilled.
 */
export function latestRowInto(c: LatestColumns, i: number, keyNames: readonly string[], featureNames: readonly string[], keys: Row, values: Row): void {
  for (let k = 0; k < keyNames.length; k++) keys[keyNames[k]] = c.keys[k][i];
  for (let f = 0; f < featureNames.length; f++) values[featureNames[f]] = c.values[f][i] ?? null;
}

/** One distinct event of an aggregation view: join keys, event columns (nulls kept) and event time. */
export interface EventRow {
  keys: Row;
  values: Row;
  eventTs: Date;
}

/** Rows staged for an offline push; nothing is visible until `commit`. */
export interface PendingWrite {
  readonly path: string;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/**
 * The offline side: PIT retrieval for training, the latest rows per key for materialization,
 * and append-only writes for offline pushes.
 */
export interface OfflineStore {
  getHistoricalFeatures(request: HistoricalRequest, progress?: Progress): Promise<HistoricalResult>;
  /** Latest row per entity key with start ≤ event_ts < end, streamed in chunks. */
  readLatest(view: FeatureViewSpec, start: Date, end: Date): AsyncIterable<LatestRow[]>;
  /** The view's source files that may hold rows in [start, end) (date partitions pruned), with sizes: what a materialization run is planned over. */
  listSourceFiles(view: FeatureViewSpec, start: Date, end: Date): Promise<SourceFile[]>;
  /**
   * Rows in [start, end) of the given files only, latest per key within each batch, in batches of
   * bounded size (memory: one batch or row group, never the window's key set). Because online
   * writes are newer-wins, writing every batch yields the latest row per key of the whole window.
   * Throws SourceFileMissingError when a file is gone (e.g. compacted since planning).
   */
  readLatestFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<LatestRow[]>;
  /** `readLatestFrom` without a row object per row (engines that read column-major: DuckDB), for a materialization that encodes rows straight from the columns. */
  readLatestColumnsFrom?(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<LatestColumns>;
  /**
   * The distinct events of an aggregation view in [start, end) of the given files only
   * (`compileDistinctEvents`: the events the aggregation join reads, nulls in event columns kept),
   * in batches of bounded size; `values` holds the event columns. What a backfill folds into
   * tiles. Throws SourceFileMissingError when a file is gone.
   */
  readEventsFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<EventRow[]>;
  /** Where materialization runs keep their checkpoints (beside the offline data). */
  checkpoints(): CheckpointStore;
  /** Merges the small Parquet parts offline pushes wrote for a view (one per request) into one per partition. */
  compact(view: FeatureViewSpec, options?: CompactionOptions): Promise<CompactionResult>;
  /**
   * Stages validated rows as one new Parquet part under the batch source the views share (a push
   * source's), with the union of their columns. Invisible to readers until committed.
   */
  stagePush(views: readonly FeatureViewSpec[], rows: readonly Row[]): Promise<PendingWrite>;
  /** Writes rows computed in JS (e.g. after on-demand transformations) as a Parquet, CSV or JSON file. */
  writeTable(columns: readonly { name: string; dtype?: DType }[], rows: readonly Row[], output: { path: string; format: TableFormat }): Promise<void>;
  /** Capability: training sets written by the engine itself, step by step (absent: no remote export). */
  readonly datasetExporter?: DatasetExporter;
  close(): Promise<void>;
}
