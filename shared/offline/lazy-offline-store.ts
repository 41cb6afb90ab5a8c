import type { DType } from '../definitions/dtypes.js';
import { InternalError } from '../errors.js';
import type { FeatureViewSpec } from '../registry/types.js';
import type { DatasetExporter } from './capabilities.js';
import type { CompactionOptions, CompactionResult } from './compaction.js';
import type { CheckpointStore, SourceFile } from './materialization-source.js';
import type { EventRow, HistoricalRequest, HistoricalResult, LatestRow, OfflineStore, PendingWrite, Progress, Row, TableFormat } from './offline-store.js';

/** What a lazy store answers without loading its engine (sync members of OfflineStore). */
export interface EagerParts {
  checkpoints: () => CheckpointStore;
  /** The sync `assertOutput` of the engine's dataset exporter (absent: the store has none). */
  assertDatasetOutput?: (uri: string) => void;
}

/**
 * An offline store whose engine (and its SDK clients) is loaded on its first use. Provider aws hands
 * this to every function: the lookup Lambda never queries, so its cold start never loads the Glue
 * and Athena clients, ~40 % of its SDK load (docs/performance.md#lambda-cold-start). A load that
 * failed (e.g. a client constructor threw) is not remembered: the next call loads again (a module
 * that failed to import stays failed, in Node as in a bundle).
 *
 * Optional capabilities cannot be known before the engine is loaded, so none is offered: the type
 * only admits engines without `readLatestColumnsFrom` (the Athena store; wrapping the local store
 * would silently turn off its column-chunk materialization).
 */
export class LazyOfflineStore<S extends OfflineStore & { readLatestColumnsFrom?: undefined }> implements OfflineStore {
  private loading: Promise<S> | undefined;
  readonly datasetExporter: DatasetExporter | undefined;

  constructor(
    private readonly load: () => Promise<S>,
    private readonly eager: EagerParts,
  ) {
    this.datasetExporter = eager.assertDatasetOutput ? this.lazyExporter(eager.assertDatasetOutput) : undefined;
  }

  /** The engine, loaded once. */
  engine(): Promise<S> {
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = undefined;
      throw err;
    });
    return this.loading;
  }

  async getHistoricalFeatures(request: HistoricalRequest, progress?: Progress): Promise<HistoricalResult> {
    return (await this.engine()).getHistoricalFeatures(request, progress);
  }

  async *readLatest(view: FeatureViewSpec, start: Date, end: Date): AsyncIterable<LatestRow[]> {
    yield* (await this.engine()).readLatest(view, start, end);
  }

  async listSourceFiles(view: FeatureViewSpec, start: Date, end: Date): Promise<SourceFile[]> {
    return (await this.engine()).listSourceFiles(view, start, end);
  }

  async *readLatestFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<LatestRow[]> {
    yield* (await this.engine()).readLatestFrom(view, files, start, end);
  }

  async *readEventsFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<EventRow[]> {
    yield* (await this.engine()).readEventsFrom(view, files, start, end);
  }

  checkpoints(): CheckpointStore {
    return this.eager.checkpoints();
  }

  async compact(view: FeatureViewSpec, options?: CompactionOptions): Promise<CompactionResult> {
    return (await this.engine()).compact(view, options);
  }

  async stagePush(views: readonly FeatureViewSpec[], rows: readonly Row[]): Promise<PendingWrite> {
    return (await this.engine()).stagePush(views, rows);
  }

  async writeTable(columns: readonly { name: string; dtype?: DType }[], rows: readonly Row[], output: { path: string; format: TableFormat }): Promise<void> {
    return (await this.engine()).writeTable(columns, rows, output);
  }

  private lazyExporter(assertOutput: (uri: string) => void): DatasetExporter {
    const exporter = async (): Promise<DatasetExporter> => {
      const e = (await this.engine()).datasetExporter;
      if (!e) throw new InternalError('the loaded offline engine has no dataset exporter, though its provider checks dataset outputs');
      return e;
    };
    return {
      assertOutput,
      prepare: async (request, outputUri) => (await exporter()).prepare(request, outputUri),
      run: async (prepared) => (await exporter()).run(prepared),
      finalize: async (prepared) => (await exporter()).finalize(prepared),
      describe: async (uri) => (await exporter()).describe(uri),
    };
  }

  /** Closes the engine if it was ever loaded. */
  async close(): Promise<void> {
    if (this.loading) await (await this.loading.catch(() => undefined))?.close();
  }
}
