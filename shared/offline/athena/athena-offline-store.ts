import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { DeleteObjectsCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { GlueClient } from '@aws-sdk/client-glue';
import type { DType } from '../../definitions/dtypes.js';
import { hiveType } from '../../definitions/type-map.js';
import { SourceFileMissingError, ValidationError } from '../../errors.js';
import { entityTableName } from '../../layout/glue-names.js';
import { dayPartition, latestStagingPrefix, partitionDayOf, stagingPrefix, viewPrefix } from '../../layout/s3-layout.js';
import type { FeatureViewSpec } from '../../registry/types.js';
import { utcDay } from '../../util/time.js';
import type { DatasetExporter } from '../capabilities.js';
import { ENTITY_TS, EntityChunkStager, prepareEntityRows, ROW_ID } from '../entity-rows.js';
import { inferDType } from '../infer-dtype.js';
import type { EventRow, HistoricalRequest, HistoricalResult, LatestRow, OfflineStore, PendingWrite, Progress, Row, TableFormat } from '../offline-store.js';
import { toParquet, type ParquetColumn } from '../parquet/write-parquet.js';
import { batchSourceSpec, eventsQueryFor, sourceNodeFor, viewNodeFor } from '../source-node.js';
import { compileDistinctEvents } from '../sql/distinct-events.js';
import { node } from '../sql/nodes.js';
import { textResultSelect, travelsAsJson } from '../sql/text-result.js';
import { unloadStatement } from '../sql/unload.js';
import { CREATED_TS, EVENT_TS } from '../sql/pit-compiler.js';
import { trinoDialect } from '../sql/trino-dialect.js';
import { AthenaRunner } from './athena-runner.js';
import { createTempTable, dropTable, ensureViewTable, viewColumns, viewTableName } from './glue-tables.js';
import { stringify } from 'csv-stringify/sync';
import { parquetMetadataAsync } from 'hyparquet';
import { openEntitySource } from '../entity-source.js';
import { listDataFiles, parseS3Uri, readRowGroups, s3AsyncBuffer } from './s3-parquet.js';
import type { CheckpointStore, SourceFile } from '../materialization-source.js';
import { S3CheckpointStore } from './s3-checkpoint-store.js';
import { assertDatasetOutput } from './dataset-output.js';
import { compactS3Prefix } from './s3-compaction.js';
import type { CompactionOptions, CompactionResult } from '../compaction.js';

export interface AthenaOfflineStoreOptions {
  s3: S3Client;
  glue: GlueClient;
  athena: AthenaClient;
  bucket: string;
  /** Offline data lives under s3://bucket/prefix/<view>/v<N>/dt=YYYY-MM-DD/ (docs/architecture.md#storage-layouts). */
  prefix: string;
  database: string;
  workgroup: string;
  outputLocation?: string;
  /** Training datasets may be written only under s3://bucket/<datasetsPrefix>/. @default 'datasets' */
  datasetsPrefix?: string;
  timeoutMs?: number;
}

/** A PIT query over staged entity rows, ready to run (DuckDB never needed: this runs in Lambda). */
export interface PreparedDataset {
  /** Unique per prepare: names the staging table and prefix, the run prefix and Athena's ClientRequestToken. */
  id: string;
  sql: string;
  /** Temporary Glue table and S3 prefix holding the entity rows. */
  table: string;
  stagePrefix: string;
  rowCount: number;
  columns: string[];
}

/** Entity rows per staged Parquet part (bounds the memory of `prepare`). */
const STAGE_CHUNK_ROWS = 100_000;

function* chunked<T>(items: readonly T[], size: number): Iterable<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The production offline store: Parquet in S3, one Glue table per view version, PIT joins on Athena. */
export class AthenaOfflineStore implements OfflineStore {
  private readonly compiler = trinoDialect().createCompiler();
  private readonly runner: AthenaRunner;

  constructor(private readonly o: AthenaOfflineStoreOptions) {
    this.runner = new AthenaRunner({
      client: o.athena,
      workgroup: o.workgroup,
      database: o.database,
      ...(o.outputLocation ? { outputLocation: o.outputLocation } : {}),
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
    });
  }

  /** Training sets written by Athena itself (UNLOAD to S3): the Step Functions workflow runs these steps apart. */
  readonly datasetExporter: DatasetExporter = {
    assertOutput: (uri) => this.assertDatasetOutput(uri),
    prepare: async (request, outputUri) => {
      const p = await this.prepareDataset(request);
      const runUri = this.runPrefix(p, outputUri);
      return {
        id: p.id,
        statement: this.unloadTo(p, runUri),
        table: p.table,
        stagePrefix: p.stagePrefix,
        outputUri: runUri,
        rowCount: p.rowCount,
        columns: p.columns,
      };
    },
    run: async (prepared) => void (await this.runner.run(prepared.statement, { clientRequestToken: prepared.id })),
    finalize: (prepared) => this.cleanupDataset(prepared),
    describe: (uri) => this.describeDataset(uri),
  };

  viewPrefix(view: FeatureViewSpec): string {
    return viewPrefix(this.o.prefix, view.name, view.version);
  }

  /** Creates / updates the Glue table of every view version (run by `apply` for provider aws). */
  async ensureTables(views: readonly FeatureViewSpec[]): Promise<void> {
    for (const v of views) await ensureViewTable(this.o.glue, this.o.database, `s3://${this.o.bucket}/${this.viewPrefix(v)}`, v);
  }

  /**
   * Stages entity rows (as Parquet behind a temporary Glue table) and compiles the PIT query.
   * The rows come inline (small sets) or from a Parquet / CSV file in S3 (the main path for
   * training sets) or on local disk (the CLI): read and staged chunk by chunk, never whole in memory. The Step Functions
   * training workflow runs `unloadTo(…)` of it with Athena's `.sync` task, then `finishDataset`;
   * `getHistoricalFeatures` does all three in process.
   */
  async prepareDataset(request: HistoricalRequest, options: { rowOrder?: boolean } = {}): Promise<PreparedDataset> {
    const id = randomUUID().replace(/-/g, '');
    const table = entityTableName(id);
    const stagePrefix = stagingPrefix(this.o.prefix, id);
    let stager: EntityChunkStager;
    let chunks: AsyncIterable<Row[]> | Iterable<Row[]>;
    if ('rows' in request.entity) {
      const { columns, rows } = prepareEntityRows(request.entity.rows, request.views);
      stager = new EntityChunkStager(columns, request.views);
      chunks = chunked([...rows], STAGE_CHUNK_ROWS);
    } else {
      const source = await openEntitySource(this.o.s3, request.entity.path, request.entity.format, STAGE_CHUNK_ROWS);
      stager = new EntityChunkStager(source.columns, request.views);
      chunks = source.chunks();
    }
    const columns = stager.columns;
    // `rowOrder`: the row id also as a pass-through column, so a query around the PIT query can order by it.
    if (options.rowOrder && columns.some((c) => c.name === ROW_ORDER))
      throw new ValidationError(`entity column '${ROW_ORDER}' is reserved`, [{ field: ROW_ORDER, message: 'reserved name' }]);
    const passThrough: ParquetColumn[] = options.rowOrder ? [{ name: ROW_ORDER, dtype: 'Int64' }] : [];
    // Entity values travel as Parquet data behind a temporary table, never as SQL text.
    const parquetColumns: ParquetColumn[] = [{ name: ROW_ID, dtype: 'Int64' }, ...columns.map((c) => ({ name: c.name, dtype: c.dtype })), ...passThrough];
    let part = 0;
    try {
      for await (const chunk of chunks) {
        if (!chunk.length) continue;
        const staged = options.rowOrder ? stager.add(chunk).map((r) => ({ ...r, [ROW_ORDER]: r[ROW_ID] })) : stager.add(chunk);
        await this.o.s3.send(
          new PutObjectCommand({
            Bucket: this.o.bucket,
            Key: `${stagePrefix}part-${String(part++).padStart(5, '0')}.parquet`,
            Body: toParquet(parquetColumns, staged),
          }),
        );
      }
      if (!stager.rowCount) throw new ValidationError('no entity rows given', [{ field: 'entity_rows', message: 'expected at least one row' }]);
      await createTempTable(
        this.o.glue,
        this.o.database,
        table,
        `s3://${this.o.bucket}/${stagePrefix}`,
        parquetColumns.map((c) => ({ name: c.name, type: hiveType(c.dtype) })),
      );
    } catch (err) {
      // Best effort: the original error is what the caller needs; `_staging/` also expires by a lifecycle rule.
      await this.deletePrefix(stagePrefix).catch(() => undefined);
      throw err;
    }
    const outName = new Map(request.outputs.map((o) => [`${o.view}:${o.feature}`, o.name]));
    const query = node.pitQuery({
      entity: node.entity({
        table,
        database: this.o.database,
        rowIdColumn: ROW_ID,
        timestampColumn: ENTITY_TS,
        columns: [...columns.map((c) => c.name), ...passThrough.map((c) => c.name)],
      }),
      views: request.views.map((v, i) =>
        viewNodeFor(v, `fv${i}`, { kind: 'table', database: this.o.database, table: viewTableName(v.view) }, (f) => outName.get(`${v.key}:${f}`)!, 'dt'),
      ),
      featureOrder: request.outputs.map((o) => o.name),
    });
    const { sql } = this.compiler.compilePit(query, stager.range);
    return { id, sql, table, stagePrefix, rowCount: stager.rowCount, columns: [...columns.map((c) => c.name), ...request.outputs.map((o) => o.name)] };
  }

  /**
   * Where one run of a prepared dataset is unloaded: a prefix of its own under the requested one.
   * UNLOAD needs an empty target, so a reused output URI never fails nor mixes two runs.
   */
  runPrefix(prepared: Pick<PreparedDataset, 'id'>, s3Prefix: string): string {
    return `${s3Prefix.replace(/\/?$/, '/')}run-${prepared.id}/`;
  }

  /**
   * The statement that writes a prepared dataset as Parquet under an (empty) s3:// prefix. Athena's
   * UNLOAD takes `( queryNoWith )` (Trino's grammar for a query in parentheses): a query that
   * begins with WITH is wrapped as a derived table. Athena writes UNLOAD files in parallel, with
   * no global order.
   */
  unloadTo(prepared: Pick<PreparedDataset, 'sql'>, s3Prefix: string): string {
    if (!/^s3:\/\/[^/]+\/.*$/.test(s3Prefix))
      throw new ValidationError(`dataset output must be an s3:// prefix, got '${s3Prefix}'`, [{ field: 'output', message: 'expected s3://bucket/prefix/' }]);
    return unloadStatement(prepared.sql, s3Prefix);
  }

  /** Refuses (4xx) a dataset output outside the datasets prefix (dataset-output.ts). */
  assertDatasetOutput(s3Prefix: string): void {
    assertDatasetOutput(this.o.bucket, this.o.datasetsPrefix, s3Prefix);
  }

  /** Drops the staging table and objects of a prepared dataset (after success or failure). */
  async cleanupDataset(prepared: Pick<PreparedDataset, 'table' | 'stagePrefix'>): Promise<void> {
    await dropTable(this.o.glue, this.o.database, prepared.table);
    await this.deletePrefix(prepared.stagePrefix);
  }

  /**
   * Row count and schema of a written dataset, from the Parquet footers (ranged reads only) of
   * every data file under its prefix. Athena's UNLOAD names its files without an extension.
   */
  async describeDataset(s3Prefix: string): Promise<{ s3Uri: string; files: number; rowCount: number; schema: { name: string; type: string }[] }> {
    const { bucket, key } = parseS3Uri(s3Prefix.replace(/\/?$/, '/'));
    const keys = await listDataFiles(this.o.s3, bucket, key);
    let rowCount = 0;
    let schema: { name: string; type: string }[] = [];
    for (const k of keys) {
      const meta = await parquetMetadataAsync(await s3AsyncBuffer(this.o.s3, bucket, k), { initialFetchSize: 64 * 1024 });
      rowCount += Number(meta.num_rows);
      schema = meta.schema.slice(1).map((e) => ({ name: e.name, type: String(e.logical_type?.type ?? e.converted_type ?? e.type) }));
    }
    return { s3Uri: `s3://${bucket}/${key}`, files: keys.length, rowCount, schema };
  }

  async getHistoricalFeatures(request: HistoricalRequest, progress?: Progress): Promise<HistoricalResult> {
    const s3Output = request.output?.path.startsWith('s3://') ? request.output.path : undefined;
    // Read as text (GetQueryResults), arrays travel as JSON inside a query that keeps the row order.
    const dtypes = outputDTypes(request);
    const arrays = !s3Output && [...dtypes.values()].some(travelsAsJson);
    const prepared = await this.prepareDataset(request, { rowOrder: arrays });
    try {
      progress?.(0.1);
      if (s3Output) {
        // Training datasets: UNLOAD writes Parquet straight to S3, no result pagination.
        const target = this.runPrefix(prepared, s3Output);
        await this.runner.run(this.unloadTo(prepared, target), { clientRequestToken: prepared.id });
        progress?.(1);
        return { rowCount: prepared.rowCount, columns: prepared.columns, path: target, sql: prepared.sql };
      }
      const sql = arrays
        ? textResultSelect(
            prepared.sql,
            prepared.columns.map((name) => ({ name, dtype: dtypes.get(name) })),
            ROW_ORDER,
          )
        : prepared.sql;
      const { queryId } = await this.runner.run(sql);
      const { rows: out } = await this.runner.rows(queryId, dtypes);
      progress?.(1);
      if (request.output) {
        await this.writeTable(
          prepared.columns.map((name) => ({ name })),
          out,
          request.output,
        );
        return { rowCount: out.length, columns: prepared.columns, path: request.output.path, sql: prepared.sql };
      }
      return { rowCount: out.length, columns: prepared.columns, rows: out, sql: prepared.sql };
    } finally {
      await this.cleanupDataset(prepared);
    }
  }

  private async deletePrefix(prefix: string): Promise<void> {
    // DeleteObjects takes at most 1000 keys, as does one list page.
    for (;;) {
      const r = await this.o.s3.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: prefix }));
      const keys = (r.Contents ?? []).map((c) => ({ Key: c.Key! }));
      if (keys.length) await this.o.s3.send(new DeleteObjectsCommand({ Bucket: this.o.bucket, Delete: { Objects: keys } }));
      if (!r.IsTruncated) return;
    }
  }

  /** Latest row per key in [start, end): every source file in range, row group by row group (see readLatestFrom). */
  async *readLatest(view: FeatureViewSpec, start: Date, end: Date): AsyncIterable<LatestRow[]> {
    yield* this.readLatestFrom(view, await this.listSourceFiles(view, start, end), start, end);
  }

  /** Parquet objects under the view's prefix whose dt partition can hold [start, end) (S3 keys with sizes, from the listing). */
  async listSourceFiles(view: FeatureViewSpec, start: Date, end: Date): Promise<SourceFile[]> {
    const [from, to] = [utcDay(start), utcDay(end)];
    const out: SourceFile[] = [];
    let token: string | undefined;
    do {
      const r = await this.o.s3.send(new ListObjectsV2Command({ Bucket: this.o.bucket, Prefix: this.viewPrefix(view), ContinuationToken: token }));
      for (const o of r.Contents ?? []) {
        if (!o.Key?.endsWith('.parquet')) continue;
        const dt = partitionDayOf(o.Key);
        if (!dt || (dt >= from && dt <= to)) out.push({ path: o.Key, bytes: o.Size ?? 0 });
      }
      token = r.NextContinuationToken;
    } while (token);
    return out.sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  /**
   * Latest row per key in [start, end) among the given objects, reduced by Athena: the compiled
   * latest-per-key query (docs/semantics.md#materialization) over the view's table, restricted to
   * these objects (`"$path"`) and the window's dt partitions, is UNLOADed as Parquet under
   * `_staging/` and read back row group by row group. Memory: one row group of the reduced result.
   */
  async *readLatestFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<LatestRow[]> {
    if (!files.length) return;
    // A planned object that is gone would silently read as empty: the run must be re-planned instead.
    for (const f of files) await this.assertObjectExists(f.path);
    for (const objects of objectGroups(files.map((f) => `s3://${this.o.bucket}/${f.path}`))) {
      const { sql } = this.compiler.compileLatest(
        node.latest({
          source: sourceNodeFor(view, { kind: 'table', database: this.o.database, table: viewTableName(view), objects }, 'dt'),
          joinKeys: view.joinKeys.map((k) => ({ name: k.name, dtype: k.valueType })),
          features: view.features.map((f) => f.name),
          start,
          end,
        }),
      );
      for await (const rows of this.unloadRows(sql)) yield rows.map((r) => latestRow(view, r));
    }
  }

  /**
   * The distinct events of an aggregation view in [start, end) among the given objects, found by
   * Athena (`compileDistinctEvents` over the view's table, restricted to these objects and the
   * window's dt partitions), UNLOADed as Parquet and read back row group by row group.
   */
  async *readEventsFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<EventRow[]> {
    if (!files.length) return;
    for (const f of files) await this.assertObjectExists(f.path);
    for (const objects of objectGroups(files.map((f) => `s3://${this.o.bucket}/${f.path}`))) {
      const location = { kind: 'table', database: this.o.database, table: viewTableName(view), objects } as const;
      const { sql } = compileDistinctEvents(this.compiler, eventsQueryFor(view, location, start, end, 'dt'));
      for await (const rows of this.unloadRows(sql)) yield rows.map((r) => eventRow(view, r));
    }
  }

  /** Runs a query as UNLOAD to a fresh `_staging/` prefix and yields its Parquet row groups, deleting the prefix afterwards. */
  private async *unloadRows(sql: string): AsyncIterable<Record<string, unknown>[]> {
    const id = randomUUID().replace(/-/g, '');
    const target = latestStagingPrefix(this.o.prefix, id);
    try {
      await this.runner.run(unloadStatement(sql, `s3://${this.o.bucket}/${target}`), { clientRequestToken: id });
      for (const key of await listDataFiles(this.o.s3, this.o.bucket, target)) {
        for await (const rows of readRowGroups(this.o.s3, this.o.bucket, key)) if (rows.length) yield rows;
      }
    } finally {
      await this.deletePrefix(target);
    }
  }

  private async assertObjectExists(key: string): Promise<void> {
    try {
      await this.o.s3.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: key }));
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'NotFound' || name === 'NoSuchKey') throw new SourceFileMissingError(key);
      throw err;
    }
  }

  /** Materialization checkpoints under `<prefix>/_materialize/`. */
  checkpoints(): CheckpointStore {
    return new S3CheckpointStore(this.o.s3, this.o.bucket, this.o.prefix);
  }

  /** Merges the small pushed parts of each dt partition of the view into one object. */
  compact(view: FeatureViewSpec, options?: CompactionOptions): Promise<CompactionResult> {
    return compactS3Prefix(this.o.s3, this.o.bucket, this.viewPrefix(view), viewColumns(view), options);
  }

  /** One part per view version and event day, uploaded only on commit. */
  async stagePush(views: readonly FeatureViewSpec[], rows: readonly Row[]): Promise<PendingWrite> {
    const parts: { key: string; body: Uint8Array }[] = [];
    for (const view of views) {
      const src = batchSourceSpec(view);
      const columns = viewColumns(view);
      const byDay = new Map<string, Row[]>();
      for (const r of rows) {
        const day = utcDay(r[src.timestampField] as Date);
        const out = Object.fromEntries(columns.map((c) => [c.name, r[src.fieldMapping[c.name] ?? c.name] ?? null]));
        const list = byDay.get(day);
        if (list) list.push(out);
        else byDay.set(day, [out]);
      }
      for (const [day, dayRows] of byDay) {
        parts.push({ key: `${this.viewPrefix(view)}${dayPartition(day)}part-${Date.now()}-${randomUUID()}.parquet`, body: toParquet(columns, dayRows) });
      }
    }
    return {
      path: parts.map((p) => `s3://${this.o.bucket}/${p.key}`).join(','),
      commit: async () => {
        for (const p of parts) await this.o.s3.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: p.key, Body: p.body }));
      },
      abort: async () => undefined,
    };
  }

  /** Uploads a locally computed batch part into the view's layout, partitioned by its as-of day. */
  async importPart(view: FeatureViewSpec, file: string, asOf: Date): Promise<string> {
    const { readFile } = await import('node:fs/promises');
    const key = `${this.viewPrefix(view)}${dayPartition(utcDay(asOf))}${file.split('/').pop()}`;
    await this.o.s3.send(new PutObjectCommand({ Bucket: this.o.bucket, Key: key, Body: await readFile(file) }));
    return `s3://${this.o.bucket}/${key}`;
  }

  async writeTable(columns: readonly { name: string; dtype?: DType }[], rows: readonly Row[], output: { path: string; format: TableFormat }): Promise<void> {
    let body: Uint8Array;
    if (output.format === 'parquet') {
      const typed = columns.map((c) => ({ name: c.name, dtype: c.dtype ?? inferDType(rows.map((r) => r[c.name])) }));
      body = toParquet(typed, rows);
    } else if (output.format === 'json') body = Buffer.from(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    else if (output.format === 'csv') {
      // The same text provider local writes: RFC 3339 instants with their zone, empty for null, true/false.
      const names = columns.map((c) => c.name);
      body = Buffer.from(
        stringify(
          rows.map((r) => names.map((n) => r[n])),
          {
            header: true,
            columns: names,
            cast: { date: (d) => d.toISOString(), boolean: (b) => String(b), bigint: (n) => n.toString() },
          },
        ),
      );
    } else throw new ValidationError('provider aws writes parquet, csv or json results', [{ field: 'format', message: `got ${String(output.format)}` }]);
    if (output.path.startsWith('s3://')) {
      const { bucket, key } = parseS3Uri(output.path);
      await this.o.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    } else await writeFile(output.path, body);
  }

  async close(): Promise<void> {}
}

/** Pass-through copy of the entity row id that orders a text result read around the PIT query. */
const ROW_ORDER = '__row_order';

/** The dtype of every requested feature, by output column name. */
function outputDTypes(request: HistoricalRequest): Map<string, DType> {
  const dtypes = new Map<string, DType>();
  for (const o of request.outputs) {
    const view = request.views.find((v) => v.key === o.view);
    const feature = view?.features.find((f) => f.name === o.feature);
    if (feature) dtypes.set(o.name, feature.dtype);
  }
  return dtypes;
}

/** Athena refuses query strings over 256 KiB: a chunk with very many objects is read as several queries (newer-wins makes their union exact). */
const MAX_OBJECT_LIST_CHARS = 200_000;

function* objectGroups(uris: readonly string[]): Iterable<string[]> {
  let group: string[] = [];
  let size = 0;
  for (const u of uris) {
    if (group.length && size + u.length + 4 > MAX_OBJECT_LIST_CHARS) {
      yield group;
      group = [];
      size = 0;
    }
    group.push(u);
    size += u.length + 4;
  }
  if (group.length) yield group;
}

/** One row of the UNLOADed latest-per-key result (columns named as compiled: join keys, features, event and created ts). */
function latestRow(view: FeatureViewSpec, r: Record<string, unknown>): LatestRow {
  const created = toDate(r[CREATED_TS]);
  return {
    keys: Object.fromEntries(view.joinKeys.map((k) => [k.name, plain(r[k.name])])),
    values: Object.fromEntries(view.features.map((f) => [f.name, plain(r[f.name])])),
    eventTs: toDate(r[EVENT_TS])!,
    ...(created ? { createdTs: created } : {}),
  };
}

/** One row of the UNLOADed distinct events (join keys, event columns, event ts); instants in event columns as Dates. */
function eventRow(view: FeatureViewSpec, r: Record<string, unknown>): EventRow {
  const value = (v: unknown, dtype: DType) => (dtype === 'UnixTimestamp' ? (toDate(v) ?? null) : plain(v));
  return {
    keys: Object.fromEntries(view.joinKeys.map((k) => [k.name, plain(r[k.name])])),
    values: Object.fromEntries(view.aggregation!.eventSchema.map((c) => [c.name, value(r[c.name], c.dtype)])),
    eventTs: toDate(r[EVENT_TS])!,
  };
}

function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === 'bigint') return new Date(Number(v / 1000n));
  return undefined;
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return v ?? null;
}
