import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SourceFileMissingError, ValidationError } from '../../errors.js';
import type { FeatureViewSpec } from '../../registry/types.js';
import { parseInstant } from '../../util/time.js';
import { duckdbType, fromDuckdbType } from '../../definitions/type-map.js';
import { DuckDBSession, stageTypeOf, type StageColumn } from '../duckdb/session.js';
import { assertEntityColumns, ENTITY_TS, EntityChunkStager, prepareEntityRows, ROW_ID, type EntityColumn } from '../entity-rows.js';
import { inferDType } from '../infer-dtype.js';
import type {
  EventRow,
  HistoricalRequest,
  HistoricalResult,
  LatestColumns,
  LatestRow,
  OfflineStore,
  PendingWrite,
  Progress,
  Row,
  TableFormat,
} from '../offline-store.js';
import { latestRowInto } from '../offline-store.js';
import type { DType } from '../../definitions/dtypes.js';
import { batchSourceSpec, eventsQueryFor, sourceColumnName, sourceNodeFor, storedColumns, viewNodeFor } from '../source-node.js';
import { compileDistinctEvents } from '../sql/distinct-events.js';
import { duckdbDialect } from '../sql/duckdb-dialect.js';
import { node } from '../sql/nodes.js';
import { CREATED_TS, EVENT_TS, type PitCompiler } from '../sql/pit-compiler.js';
import { choosePitForm } from '../sql/pit-form.js';
import { quoteIdentifier as q, quoteString } from '../sql/quote.js';
import { listSourceFiles, pushDirectory } from './file-listing.js';
import { FileCheckpointStore } from './file-checkpoint-store.js';
import { COMPACTABLE, COMPACTION_DEFAULTS, type CompactionOptions, type CompactionResult } from '../compaction.js';
import type { CheckpointStore, SourceFile } from '../materialization-source.js';

/** The staged entity rows a compiled PIT query reads (bench/pit-join.ts re-stages them to profile that query). */
export const ENTITY_TABLE = '__entity_stage';

export interface LocalOfflineStoreOptions {
  /** FileSource paths are relative to this directory. */
  repoDir: string;
  /**
   * The PIT join's form: `asof` (DuckDB's ASOF JOIN), `window` (the portable form Athena runs), or
   * `auto`: chosen per request from the entity and feature row counts (`choosePitForm`). @default 'auto'
   */
  pitStrategy?: 'asof' | 'window' | 'auto';
  threads?: number;
  /** DuckDB's memory limit (e.g. '8GB'); beyond it large joins spill to `tempDirectory`. @default DuckDB's (80% of RAM) */
  memoryLimit?: string;
  /** Where DuckDB spills. @default <stateDir>/duckdb-tmp */
  tempDirectory?: string;
  /** Where materialization checkpoints go (the repo's dataDir). @default <repoDir>/.skewless */
  stateDir?: string;
}

/** Equal join-key values (instants compare by time). */
const sameValue = (a: unknown, b: unknown) => a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());

/** A DuckDB column type that holds instants (any timestamp, or a date): the type map's reverse. */
const isTimestamp = (duckdbColumnType: unknown) => fromDuckdbType(String(duckdbColumnType)) === 'UnixTimestamp';
const stageColumns = (columns: readonly EntityColumn[]): StageColumn[] => columns.map((c) => ({ name: c.name, type: stageTypeOf(c.dtype) }));
/** RFC 3339 in UTC with milliseconds, as `Date.toISOString()` (and provider aws) render instants. */
const RFC3339 = '%Y-%m-%dT%H:%M:%S.%gZ';

/**
 * Entity timestamps that are text (CSV, string columns) are checked before the join casts them, so
 * a bad one names its row and value instead of surfacing as a DuckDB conversion error.
 */
async function assertEntityTimestamps(db: DuckDBSession): Promise<void> {
  const described = await db.all(`DESCRIBE SELECT ${q(ENTITY_TS)} FROM ${q(ENTITY_TABLE)}`);
  if (isTimestamp(described[0]?.column_type)) return;
  const bad = await db.all(
    `SELECT ${q(ROW_ID)} AS r, CAST(${q(ENTITY_TS)} AS VARCHAR) AS v FROM ${q(ENTITY_TABLE)} WHERE ${q(ENTITY_TS)} IS NOT NULL AND TRY_CAST(${q(ENTITY_TS)} AS TIMESTAMP) IS NULL ORDER BY ${q(ROW_ID)} LIMIT 20`,
  );
  if (!bad.length) return;
  const issues = bad.map((b) => ({ row: Number(b.r), field: ENTITY_TS, message: `expected a timestamp, got ${JSON.stringify(b.v)}` }));
  throw new ValidationError(`invalid ${ENTITY_TS} in row ${issues[0].row}`, issues);
}

/**
 * Writes a query's result to `path` through a temp file renamed at the end, so a failed run leaves
 * neither a partial file nor a damaged previous one. Timestamps carry their zone: TIMESTAMP WITH
 * TIME ZONE in Parquet, RFC 3339 with `Z` in CSV and JSON (the same schema and text as provider aws).
 */
async function copyOut(db: DuckDBSession, sql: string, path: string, format: TableFormat): Promise<void> {
  const described = await db.all(`DESCRIBE SELECT * FROM (${sql}) ${q('__out')}`);
  const select = described.map((c) => {
    const name = q(String(c.column_name));
    if (!isTimestamp(c.column_type)) return name;
    return format === 'parquet' ? `CAST(${name} AS TIMESTAMPTZ) AS ${name}` : `strftime(CAST(${name} AS TIMESTAMP), '${RFC3339}') AS ${name}`;
  });
  const target = resolve(path);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${randomUUID()}`);
  try {
    await db.copyTo(`SELECT ${select.join(', ')} FROM (${sql}) ${q('__out')}`, tmp, format);
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** Offline store over local Parquet, queried by an embedded DuckDB. */
export class LocalOfflineStore implements OfflineStore {
  private session?: Promise<DuckDBSession>;
  /** The ASOF form's compiler also compiles materialization reads (their SQL does not depend on the form). */
  private readonly compiler: PitCompiler;
  private readonly windowCompiler: PitCompiler;
  /** One DuckDB connection runs one statement at a time; calls queue here. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: LocalOfflineStoreOptions) {
    this.compiler = duckdbDialect('asof').createCompiler();
    this.windowCompiler = duckdbDialect('window').createCompiler();
  }

  private get stateDir(): string {
    return this.options.stateDir ?? resolve(this.options.repoDir, '.skewless');
  }

  private db(): Promise<DuckDBSession> {
    this.session ??= DuckDBSession.create({
      threads: this.options.threads,
      memoryLimit: this.options.memoryLimit,
      tempDirectory: this.options.tempDirectory ?? join(this.stateDir, 'duckdb-tmp'),
    });
    return this.session;
  }

  /** The PIT form for this request: the configured one, or chosen from row counts known before running. */
  private async pitCompiler(db: DuckDBSession, entityRows: number, viewFiles: readonly string[][]): Promise<PitCompiler> {
    const strategy = this.options.pitStrategy ?? 'auto';
    if (strategy !== 'auto') return strategy === 'asof' ? this.compiler : this.windowCompiler;
    // Row counts from the Parquet footers only: no data is read.
    const featureRows = await Promise.all(
      viewFiles.map(async (files) => {
        if (!files.length) return 0;
        const [r] = await db.all(`SELECT coalesce(sum(num_rows), 0) AS n FROM parquet_file_metadata([${files.map(quoteString).join(', ')}])`);
        return Number(r.n);
      }),
    );
    return choosePitForm(entityRows, featureRows) === 'asof' ? this.compiler : this.windowCompiler;
  }

  /** Waits for the connection; the returned function hands it to the next caller. */
  private async acquire(): Promise<() => void> {
    let release!: () => void;
    const previous = this.queue;
    this.queue = new Promise<void>((r) => (release = r));
    await previous;
    return release;
  }

  private async exclusive<T>(fn: (db: DuckDBSession) => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn(await this.db());
    } finally {
      release();
    }
  }

  private async files(view: FeatureViewSpec): Promise<string[]> {
    return listSourceFiles(this.options.repoDir, batchSourceSpec(view).path);
  }

  getHistoricalFeatures(request: HistoricalRequest, progress?: Progress): Promise<HistoricalResult> {
    return this.exclusive(async (db) => {
      const columns = await this.stageEntity(db, request);
      await assertEntityTimestamps(db);
      const [bounds] = await db.all(
        `SELECT min(${q(ENTITY_TS)}) AS lo, max(${q(ENTITY_TS)}) AS hi, count(*) AS n, count(*) - count(${q(ENTITY_TS)}) AS nulls FROM ${q(ENTITY_TABLE)}`,
      );
      if (Number(bounds.nulls) > 0) {
        const [bad] = await db.all(`SELECT min(${q(ROW_ID)}) AS r FROM ${q(ENTITY_TABLE)} WHERE ${q(ENTITY_TS)} IS NULL`);
        throw new ValidationError(`entity row ${bad.r} has no ${ENTITY_TS}`, [{ row: Number(bad.r), field: ENTITY_TS, message: 'expected a timestamp' }]);
      }
      const outName = new Map(request.outputs.map((o) => [`${o.view}:${o.feature}`, o.name]));
      const viewFiles = await Promise.all(request.views.map((v) => this.files(v.view)));
      const views = await Promise.all(
        request.views.map(async (v, i) => viewNodeFor(v, `fv${i}`, { kind: 'files', files: viewFiles[i] }, (f) => outName.get(`${v.key}:${f}`)!)),
      );
      const query = node.pitQuery({
        entity: node.entity({ table: ENTITY_TABLE, rowIdColumn: ROW_ID, timestampColumn: ENTITY_TS, columns }),
        views,
        featureOrder: request.outputs.map((o) => o.name),
      });
      const range = bounds.lo instanceof Date ? { min: bounds.lo, max: bounds.hi as Date } : undefined;
      const compiler = await this.pitCompiler(db, Number(bounds.n), viewFiles);
      const { sql } = compiler.compilePit(query, range);
      const resultColumns = [...columns, ...request.outputs.map((o) => o.name)];
      const stop = this.watchProgress(db, progress);
      try {
        if (request.output) {
          await copyOut(db, sql, request.output.path, request.output.format);
          return { rowCount: Number(bounds.n), columns: resultColumns, path: resolve(request.output.path), sql };
        }
        const rows = await db.all(sql);
        return { rowCount: rows.length, columns: resultColumns, rows, sql };
      } finally {
        stop();
        await db.run(`DROP VIEW IF EXISTS ${q(ENTITY_TABLE)}`).catch(() => undefined);
        await db.run(`DROP TABLE IF EXISTS ${q(ENTITY_TABLE)}`).catch(() => undefined);
      }
    });
  }

  private watchProgress(db: DuckDBSession, progress?: Progress): () => void {
    if (!progress) return () => undefined;
    const timer = setInterval(() => {
      const p = db.connection.progress.percentage;
      if (p >= 0) progress(Math.min(p / 100, 0.99));
    }, 200);
    return () => {
      clearInterval(timer);
      progress(1);
    };
  }

  /** Stages entity rows into a temp table with a row id; returns the input columns in order. */
  private async stageEntity(db: DuckDBSession, request: HistoricalRequest): Promise<string[]> {
    const input = request.entity;
    if ('rows' in input) {
      const { columns, rows } = prepareEntityRows(input.rows, request.views);
      await db.stage(ENTITY_TABLE, stageColumns(columns), rows, ROW_ID);
      return columns.map((c) => c.name);
    }
    if (input.path.startsWith('s3://')) return this.stageS3Entity(db, request, input.path, input.format);
    const path = resolve(input.path);
    const format = input.format ?? (/\.csv$/i.test(path) ? 'csv' : 'parquet');
    if (format === 'parquet') {
      // Parquet knows each row's position: no copy needed, the row id is the file row number.
      const described = await db.all(`DESCRIBE SELECT * FROM read_parquet(${quoteString(path)})`);
      const columns = described.map((r) => String(r.column_name));
      assertEntityColumns(columns, request.views);
      await db.run(
        `CREATE OR REPLACE TEMP VIEW ${q(ENTITY_TABLE)} AS SELECT file_row_number AS ${q(ROW_ID)}, ${columns.map(q).join(', ')} FROM read_parquet(${quoteString(path)}, file_row_number = true)`,
      );
      return columns;
    }
    // CTAS keeps insertion order, so rowid is the input row number.
    await db.run(`CREATE OR REPLACE TEMP TABLE ${q('__entity_raw')} AS SELECT * FROM read_csv(${quoteString(path)}, header = true)`);
    const described = await db.all(`DESCRIBE ${q('__entity_raw')}`);
    const columns = described.map((r) => String(r.column_name));
    assertEntityColumns(columns, request.views);
    await db.run(`CREATE OR REPLACE TEMP TABLE ${q(ENTITY_TABLE)} AS SELECT rowid AS ${q(ROW_ID)}, * FROM ${q('__entity_raw')}`);
    await db.run(`DROP TABLE ${q('__entity_raw')}`);
    return columns;
  }

  /**
   * An entity file in S3, read chunk by chunk (the reader provider aws uses) and appended to the
   * stage table, so the file is never whole in memory; the SDK's default credentials and region.
   */
  private async stageS3Entity(db: DuckDBSession, request: HistoricalRequest, uri: string, format?: 'parquet' | 'csv'): Promise<string[]> {
    const [{ clientConfig }, { createStorageClients }] = await Promise.all([import('../../aws/client-config.js'), import('../../aws/storage-clients.js')]);
    const { openEntitySource } = await import('../entity-source.js');
    // The S3 client only: no Glue or Athena package is loaded for one object read.
    const { s3 } = createStorageClients(clientConfig(process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1'));
    try {
      const source = await openEntitySource(s3, uri, format);
      const stager = new EntityChunkStager(source.columns, request.views);
      const columns = [{ name: ROW_ID, type: 'BIGINT' as const }, ...stageColumns(stager.columns)];
      await db.stage(ENTITY_TABLE, columns, []);
      for await (const chunk of source.chunks()) if (chunk.length) await db.append(ENTITY_TABLE, columns, stager.add(chunk));
      if (!stager.rowCount) throw new ValidationError('no entity rows given', [{ field: 'entity_rows', message: 'expected at least one row' }]);
      return stager.columns.map((c) => c.name);
    } finally {
      s3.destroy();
    }
  }

  async *readLatest(view: FeatureViewSpec, start: Date, end: Date): AsyncIterable<LatestRow[]> {
    yield* this.readLatestFrom(view, await this.listSourceFiles(view), start, end);
  }

  /** Every Parquet file of the view's source (local files carry no date partitions to prune by). */
  async listSourceFiles(view: FeatureViewSpec): Promise<SourceFile[]> {
    return Promise.all((await this.files(view)).map(async (path) => ({ path, bytes: (await stat(path)).size })));
  }

  /** Latest row per key in [start, end) among the given files, one LatestRow per key (`readLatestColumnsFrom`'s rows). */
  async *readLatestFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<LatestRow[]> {
    const keyNames = view.joinKeys.map((k) => k.name);
    const featureNames = view.features.map((f) => f.name);
    // Batches are one DuckDB chunk, so the rows die young: held longer they outlive V8's young
    // generation and garbage collection dominates.
    for await (const c of this.readLatestColumnsFrom(view, files, start, end)) {
      const batch: LatestRow[] = [];
      for (const i of c.rows) {
        const keys: Row = {};
        const values: Row = {};
        latestRowInto(c, i, keyNames, featureNames, keys, values);
        const created = c.createdTs[i];
        batch.push(
          created instanceof Date ? { keys, values, eventTs: c.eventTs[i] as Date, createdTs: created } : { keys, values, eventTs: c.eventTs[i] as Date },
        );
      }
      yield batch;
    }
  }

  /**
   * Latest row per key in [start, end) among the given files: DuckDB's streamed query, rows sorted by
   * key and newest first (it spills, JS holds one chunk), the first row of each key's run kept.
   */
  async *readLatestColumnsFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<LatestColumns> {
    if (!files.length) return;
    for (const f of files) if (!(await stat(f.path).catch(() => undefined))) throw new SourceFileMissingError(f.path);
    const query = node.latest({
      source: sourceNodeFor(view, { kind: 'files', files: files.map((f) => f.path) }),
      joinKeys: view.joinKeys.map((k) => ({ name: k.name, dtype: k.valueType })),
      features: view.features.map((f) => f.name),
      start,
      end,
    });
    const { sql } = this.compiler.compileLatestCandidates(query);
    // The stream holds the connection until the consumer has read it all (or stopped).
    const release = await this.acquire();
    try {
      const db = await this.db();
      const keyNames = view.joinKeys.map((k) => k.name);
      const featureNames = view.features.map((f) => f.name);
      // The previous row's key values (carried across chunks): rows of one key after its first are skipped.
      const previous: unknown[] = [];
      let started = false;
      const nk = keyNames.length;
      for await (const chunk of db.streamColumns(sql)) {
        const col = (name: string) => chunk.columns[chunk.names.indexOf(name)];
        const keyCols = keyNames.map(col);
        const rows: number[] = [];
        for (let i = 0; i < chunk.rowCount; i++) {
          let same = started;
          for (let k = 0; same && k < nk; k++) same = sameValue(keyCols[k][i], previous[k]);
          if (same) continue;
          for (let k = 0; k < nk; k++) previous[k] = keyCols[k][i];
          started = true;
          rows.push(i);
        }
        if (rows.length) yield { keys: keyCols, values: featureNames.map(col), eventTs: col(EVENT_TS), createdTs: col(CREATED_TS), rows };
      }
    } finally {
      release();
    }
  }

  /**
   * The distinct events of an aggregation view in [start, end) among the given files, streamed by
   * DuckDB one chunk at a time, by entity key and event time (the order tiles fold them in).
   */
  async *readEventsFrom(view: FeatureViewSpec, files: readonly SourceFile[], start: Date, end: Date): AsyncIterable<EventRow[]> {
    if (!files.length) return;
    for (const f of files) if (!(await stat(f.path).catch(() => undefined))) throw new SourceFileMissingError(f.path);
    const query = eventsQueryFor(view, { kind: 'files', files: files.map((f) => f.path) }, start, end);
    const { sql } = compileDistinctEvents(this.compiler, query, { ordered: true });
    const release = await this.acquire();
    try {
      const db = await this.db();
      const keyNames = view.joinKeys.map((k) => k.name);
      const columnNames = view.aggregation!.eventSchema.map((c) => c.name);
      for await (const chunk of db.streamColumns(sql)) {
        const col = (name: string) => chunk.columns[chunk.names.indexOf(name)];
        const [keyCols, valueCols, eventTs] = [keyNames.map(col), columnNames.map(col), col(EVENT_TS)];
        const batch: EventRow[] = [];
        for (let i = 0; i < chunk.rowCount; i++) {
          const keys: Row = {};
          for (let k = 0; k < keyNames.length; k++) keys[keyNames[k]] = keyCols[k][i];
          const values: Row = {};
          for (let c = 0; c < columnNames.length; c++) values[columnNames[c]] = valueCols[c][i] ?? null;
          batch.push({ keys, values, eventTs: eventTs[i] as Date });
        }
        if (batch.length) yield batch;
      }
    } finally {
      release();
    }
  }

  /** Materialization checkpoints under `<dataDir>/materialize/`. */
  checkpoints(): CheckpointStore {
    return new FileCheckpointStore(join(this.stateDir, 'materialize'));
  }

  /** Merges the small pushed parts of the view's push directory (shared by the views of its push source) into one file. */
  async compact(view: FeatureViewSpec, options: CompactionOptions = {}): Promise<CompactionResult> {
    const { smallBytes, minFiles } = { ...COMPACTION_DEFAULTS, ...options };
    const dir = pushDirectory(resolve(this.options.repoDir, batchSourceSpec(view).path));
    const names = await readdir(dir).catch(() => [] as string[]);
    const small: string[] = [];
    for (const n of names) {
      const path = join(dir, n);
      if (COMPACTABLE.test(path) && (await stat(path)).size < smallBytes) small.push(path);
    }
    if (small.length < minFiles) return { partitions: 0, filesBefore: 0, filesAfter: 0, rows: 0 };
    const name = `part-compacted-${Date.now()}-${randomUUID()}.parquet`;
    const tmp = join(dir, `.tmp-${name}`);
    const rows = await this.exclusive(async (db) => {
      const [{ n }] = await db.all(
        `SELECT count(*) AS n FROM (SELECT DISTINCT * FROM read_parquet([${small.map(quoteString).join(', ')}], union_by_name = true))`,
      );
      await db.copyTo(`SELECT DISTINCT * FROM read_parquet([${small.map(quoteString).join(', ')}], union_by_name = true)`, tmp, 'parquet');
      return Number(n);
    });
    // Visible first (rename), deleted second: readers never miss a row (see compaction.ts).
    await rename(tmp, join(dir, name));
    for (const f of small) await unlink(f).catch(() => undefined);
    return { partitions: 1, filesBefore: small.length, filesAfter: 1, rows };
  }

  stagePush(views: readonly FeatureViewSpec[], rows: readonly Row[]): Promise<PendingWrite> {
    return this.exclusive(async (db) => {
      const src = batchSourceSpec(views[0]);
      const columnOf = (name: string) => sourceColumnName(src, name);
      const typed = new Map<string, FeatureViewSpec['features'][number]['dtype']>();
      for (const v of views) {
        for (const k of v.joinKeys) typed.set(k.name, k.valueType);
        // An aggregation view stores its raw event columns, not its (derived) features.
        for (const f of storedColumns(v)) typed.set(f.name, f.dtype);
      }
      const columns: (StageColumn & { from: string; cast?: string })[] = [
        ...[...typed].map(([name, dtype]) => ({
          name: columnOf(name),
          from: name,
          type: stageTypeOf(dtype),
          cast: dtype.startsWith('Array(') ? duckdbType(dtype) : undefined,
        })),
        { name: src.timestampField, from: src.timestampField, type: 'TIMESTAMP' as const },
        ...(src.createdTimestampColumn ? [{ name: src.createdTimestampColumn, from: src.createdTimestampColumn, type: 'TIMESTAMP' as const }] : []),
      ];
      const tsCols = new Set([src.timestampField, src.createdTimestampColumn]);
      const staged = rows.map((r) => Object.fromEntries(columns.map((c) => [c.name, tsCols.has(c.name) ? (parseInstant(r[c.from]) ?? null) : r[c.from]])));
      await db.stage('__push_stage', columns, staged);
      const dir = pushDirectory(resolve(this.options.repoDir, src.path));
      await mkdir(dir, { recursive: true });
      const name = `part-${Date.now()}-${randomUUID()}.parquet`;
      const tmp = join(dir, `.tmp-${name}`);
      const select = columns.map((c) => (c.cast ? `CAST(CAST(${q(c.name)} AS JSON) AS ${c.cast}) AS ${q(c.name)}` : q(c.name))).join(', ');
      await db.copyTo(`SELECT ${select} FROM ${q('__push_stage')}`, tmp, 'parquet');
      await db.run(`DROP TABLE ${q('__push_stage')}`);
      const path = join(dir, name);
      return {
        path,
        commit: () => rename(tmp, path),
        abort: () => unlink(tmp).catch(() => undefined),
      };
    });
  }

  writeTable(columns: readonly { name: string; dtype?: DType }[], rows: readonly Row[], output: { path: string; format: TableFormat }): Promise<void> {
    return this.exclusive(async (db) => {
      const staged = columns.map((c) => {
        const dtype = c.dtype ?? inferDType(rows.map((r) => r[c.name]));
        return { name: c.name, type: stageTypeOf(dtype), dtype };
      });
      await db.stage('__out_stage', staged, rows);
      const select = staged
        .map((c) => (c.type === 'JSON' ? `CAST(CAST(${q(c.name)} AS JSON) AS ${duckdbType(c.dtype)}) AS ${q(c.name)}` : q(c.name)))
        .join(', ');
      try {
        await copyOut(db, `SELECT ${select} FROM ${q('__out_stage')}`, output.path, output.format);
      } finally {
        await db.run(`DROP TABLE ${q('__out_stage')}`);
      }
    });
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.session) (await this.session).close();
    this.session = undefined;
  }
}
