/**
 * A small Athena test double: the Athena JSON protocol over HTTP (StartQueryExecution,
 * GetQueryExecution, GetQueryResults, StopQueryExecution), executing each query on DuckDB over the
 * objects that Glue tables (in moto) point at in S3 (in moto). moto's own Athena runs no SQL; this
 * one returns real rows, so the Athena-dialect PIT SQL is proved end to end. Point the SDK at it
 * with AWS_ENDPOINT_URL_ATHENA.
 *
 * It is as strict as Athena where our code could otherwise agree with its own bugs:
 * - every statement is parsed with a Trino grammar first (`athena-grammar.ts`); a statement Athena
 *   would reject fails with SYNTAX_ERROR (e.g. `UNLOAD (WITH …)`);
 * - a query needs a result location (the request's, else the workgroup's), as in Athena;
 * - `UNLOAD … TO 's3://…/'` fails when the target prefix is not empty (HIVE_PATH_ALREADY_EXISTS),
 *   writes its data as several extensionless objects named like Athena's
 *   (`<yyyyMMdd_HHmmss>_<nnnnn>_<xxxxx>_<uuid>`), and writes `<QueryExecutionId>-manifest.csv`
 *   (one s3:// URI per data file) and `<QueryExecutionId>.metadata` to the result location;
 * - a repeated ClientRequestToken returns the first execution instead of running the query again;
 * - result metadata names complex types as Athena does (`array`, `map`, `row`, without element
 *   types) and renders arrays as `[a, b]`, strings unquoted;
 * - table scans read every object under the table location except names starting with `_` or `.`
 *   (Hive's rule), whatever their extension, and carry Hive's `"$path"` pseudo-column (the object's
 *   s3:// URI).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import { duckdbType, fromDuckdbType, fromHiveType, trinoType } from '../../shared/definitions/type-map.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteIdentifier as q, quoteString } from '../../shared/offline/sql/quote.js';
import { athenaSyntaxErrors } from './athena-grammar.js';

interface Execution {
  id: string;
  sql: string;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  reason?: string;
  columns: { name: string; type: string }[];
  rows: (string | undefined)[][];
  scanned: number;
  submitted: Date;
  output?: string;
  /** Where Athena writes results, manifests and metadata for this query. */
  resultLocation: string;
}

export interface AthenaDoubleOptions {
  /** Holds each query in RUNNING first, to exercise polling, timeouts and StopQueryExecution. */
  delayMs?: number;
  /** The workgroup's result location, used when a request names none (Athena fails without either). */
  outputLocation?: string;
  /** Rows per UNLOAD data file (Athena writes several files in parallel). @default 100000 */
  rowsPerFile?: number;
}

const S3_URI = /^s3:\/\/([^/]+)\/(.*)$/;

/** The DuckDB type of a Glue column (through the type map); text when we have no dtype for it. */
function duckTypeOfGlue(hive: string): string {
  const dtype = fromHiveType(hive);
  return dtype ? duckdbType(dtype) : 'VARCHAR';
}

/**
 * The result column type Athena reports for a DuckDB column type (dates and decimals have no dtype
 * of ours). Complex types are named without their element types — `array`, `map`, `row` — as
 * Athena's ColumnInfo does.
 */
function athenaTypeOf(duck: string): string {
  if (duck.endsWith('[]') || /^[A-Z]+\[\d+\]$/.test(duck)) return 'array';
  if (duck.startsWith('MAP(')) return 'map';
  if (duck.startsWith('STRUCT(')) return 'row';
  if (duck === 'JSON') return 'json';
  if (duck === 'DATE') return 'date';
  if (duck.startsWith('DECIMAL')) return 'decimal';
  const dtype = fromDuckdbType(duck);
  return dtype ? trinoType(dtype).toLowerCase() : 'varchar';
}

/**
 * A value as Athena's GetQueryResults renders it: instants as `yyyy-MM-dd HH:mm:ss.SSS`, arrays as
 * `[a, b]` with strings unquoted and null elements as `null` (so a string holding ", " cannot be
 * told apart from two elements — what a client must not rely on).
 */
function text(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  if (Array.isArray(v)) return `[${v.map((e) => text(e) ?? 'null').join(', ')}]`;
  return String(v);
}

/** Trino's array type in casts, `ARRAY(VARCHAR)`, in DuckDB's spelling `VARCHAR[]` (the statement already passed Trino's grammar). */
function duckdbTypeSyntax(sql: string): string {
  return sql.replace(/\bAS ARRAY\((\w+)\)/g, 'AS $1[]');
}

export class AthenaDouble {
  private readonly executions = new Map<string, Execution>();
  private server?: Server;
  private readonly scratch = mkdtempSync(join(tmpdir(), 'athena-double-'));
  /** Every query text received, for tests that inspect what was sent. */
  readonly queries: string[] = [];

  private readonly tokens = new Map<string, string>();
  private sequence = 0;

  constructor(
    private readonly s3: S3Client,
    private readonly glue: GlueClient,
    private readonly options: AthenaDoubleOptions = {},
  ) {}

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '').replace('AmazonAthena.', '');
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch {
          body = {};
        }
        this.handle(target, body).then(
          (out) => (res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }), res.end(JSON.stringify(out))),
          (err: Error) => (
            res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }),
            res.end(JSON.stringify({ __type: 'InvalidRequestException', message: err.message }))
          ),
        );
      });
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server!.address() as { port: number }).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    rmSync(this.scratch, { recursive: true, force: true });
  }

  private async handle(op: string, body: Record<string, unknown>): Promise<unknown> {
    switch (op) {
      case 'StartQueryExecution': {
        // Idempotency: the same token is the same query (a retried start never runs it twice).
        const token = body.ClientRequestToken === undefined ? undefined : String(body.ClientRequestToken);
        if (token !== undefined && this.tokens.has(token)) return { QueryExecutionId: this.tokens.get(token) };
        const resultLocation = (body.ResultConfiguration as { OutputLocation?: string } | undefined)?.OutputLocation ?? this.options.outputLocation;
        if (!resultLocation)
          throw new Error(
            'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.',
          );
        const id = randomUUID();
        if (token !== undefined) this.tokens.set(token, id);
        const sql = String(body.QueryString);
        this.queries.push(sql);
        const database = (body.QueryExecutionContext as { Database?: string } | undefined)?.Database ?? 'default';
        const exec: Execution = {
          id,
          sql,
          state: 'RUNNING',
          columns: [],
          rows: [],
          scanned: 0,
          submitted: new Date(),
          resultLocation: resultLocation.replace(/\/?$/, '/'),
        };
        this.executions.set(id, exec);
        void this.execute(exec, database).catch((err: Error) => {
          if (exec.state === 'RUNNING') Object.assign(exec, { state: 'FAILED', reason: err.message });
        });
        return { QueryExecutionId: id };
      }
      case 'GetQueryExecution': {
        const e = this.get(body.QueryExecutionId);
        return {
          QueryExecution: {
            QueryExecutionId: e.id,
            Query: e.sql,
            Status: { State: e.state, ...(e.reason ? { StateChangeReason: e.reason } : {}), SubmissionDateTime: e.submitted.getTime() / 1000 },
            Statistics: { DataScannedInBytes: e.scanned },
            ResultConfiguration: { OutputLocation: /^\s*UNLOAD\b/i.test(e.sql) ? `${e.resultLocation}${e.id}-manifest.csv` : `${e.resultLocation}${e.id}.csv` },
          },
        };
      }
      case 'GetQueryResults': {
        const e = this.get(body.QueryExecutionId);
        if (e.state !== 'SUCCEEDED') throw new Error(`query ${e.id} is ${e.state}`);
        const start = Number(body.NextToken ?? 0);
        const max = Number(body.MaxResults ?? 1000);
        const header = start === 0 ? [{ Data: e.columns.map((c) => ({ VarCharValue: c.name })) }] : [];
        const page = e.rows.slice(start, start + max - header.length);
        const next = start + page.length;
        return {
          ResultSet: {
            Rows: [...header, ...page.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) }))],
            ResultSetMetadata: { ColumnInfo: e.columns.map((c) => ({ Name: c.name, Label: c.name, Type: c.type })) },
          },
          ...(next < e.rows.length ? { NextToken: String(next) } : {}),
        };
      }
      case 'StopQueryExecution': {
        const e = this.get(body.QueryExecutionId);
        if (e.state === 'RUNNING' || e.state === 'QUEUED') Object.assign(e, { state: 'CANCELLED', reason: 'Query was cancelled by user' });
        return {};
      }
      default:
        throw new Error(`operation ${op} is not implemented by the Athena double`);
    }
  }

  private get(id: unknown): Execution {
    const e = this.executions.get(String(id));
    if (!e) throw new Error(`QueryExecution ${String(id)} was not found`);
    return e;
  }

  /** `"db"."table"` → read_parquet over the table's objects, downloaded from S3. */
  private async resolveTables(sql: string, database: string, exec: Execution): Promise<string> {
    const refs = [...new Set([...sql.matchAll(/"((?:[^"]|"")+)"\."((?:[^"]|"")+)"/g)].map((m) => m[0]))];
    let out = sql;
    for (const ref of refs) {
      const [, db, table] = /^"((?:[^"]|"")+)"\."((?:[^"]|"")+)"$/.exec(ref)!.map((x) => x.replaceAll('""', '"'));
      const t = await this.glue.send(new GetTableCommand({ DatabaseName: db || database, Name: table })).catch(() => {
        throw new Error(`TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.${db}.${table}' does not exist`);
      });
      const location = t.Table!.StorageDescriptor!.Location!;
      const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(location)!;
      const files: string[] = [];
      let token: string | undefined;
      do {
        const list = await this.s3.send(new ListObjectsV2Command({ Bucket: m[1], Prefix: m[2], ContinuationToken: token }));
        for (const o of list.Contents ?? []) {
          // Hive (and so Athena) reads every file of the location except hidden ones.
          const rel = o.Key!.slice(m[2].length);
          if (!rel || rel.endsWith('/') || /(^|\/)[_.]/.test(rel)) continue;
          const local = join(this.scratch, exec.id, m[1], o.Key!);
          mkdirSync(dirname(local), { recursive: true });
          const obj = await this.s3.send(new GetObjectCommand({ Bucket: m[1], Key: o.Key! }));
          writeFileSync(local, await obj.Body!.transformToByteArray());
          exec.scanned += statSync(local).size;
          files.push(local);
        }
        token = list.NextContinuationToken;
      } while (token);
      const cols = [...(t.Table!.StorageDescriptor!.Columns ?? []), ...(t.Table!.PartitionKeys ?? [])];
      // Hive's "$path" pseudo-column: the s3:// URI of the object each row was read from.
      const root = join(this.scratch, exec.id, '/');
      const relation = files.length
        ? `(SELECT * EXCLUDE (${q('filename')}), ${quoteString('s3://')} || substr(${q('filename')}, ${root.length + 1}) AS ${q('$path')} FROM read_parquet([${files.map(quoteString).join(', ')}], hive_partitioning = ${t.Table!.PartitionKeys?.length ? 'true' : 'false'}, hive_types_autocast = false, union_by_name = true, filename = true))`
        : `(SELECT ${cols.map((c) => `CAST(NULL AS ${duckTypeOfGlue(c.Type!)}) AS ${q(c.Name!)}`).join(', ')}, CAST(NULL AS VARCHAR) AS ${q('$path')} WHERE 1 = 0)`;
      out = out.split(ref).join(relation);
    }
    return out;
  }

  private async execute(exec: Execution, database: string): Promise<void> {
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    if (exec.state !== 'RUNNING') return;
    const syntax = athenaSyntaxErrors(exec.sql);
    if (syntax.length) {
      Object.assign(exec, { state: 'FAILED', reason: `SYNTAX_ERROR: ${syntax.join('; ')}` });
      return;
    }
    const db = await DuckDBSession.create();
    try {
      // Trino's json_format (JSON → its text), which DuckDB spells as a cast.
      await db.run(`CREATE MACRO json_format(j) AS CAST(j AS VARCHAR)`);
      const unload = /^\s*UNLOAD\s*\(([\s\S]*)\)\s*TO\s*'((?:[^']|'')+)'\s*WITH\s*\(\s*format\s*=\s*'PARQUET'\s*\)\s*$/i.exec(exec.sql);
      if (/^\s*UNLOAD\b/i.test(exec.sql) && !unload) throw new Error("NOT_SUPPORTED: the Athena double runs UNLOAD … WITH (format = 'PARQUET') only");
      const sql = duckdbTypeSyntax(await this.resolveTables(unload ? unload[1] : exec.sql, database, exec));
      if (unload) await this.unload(exec, db, sql, unload[2].replaceAll("''", "'"));
      else {
        const described = await db.all(`DESCRIBE SELECT * FROM (${sql}) t`);
        exec.columns = described.map((d) => ({ name: String(d.column_name), type: athenaTypeOf(String(d.column_type)) }));
        const rows = await db.all(sql);
        exec.rows = rows.map((r) => exec.columns.map((c) => text(r[c.name])));
      }
      if (exec.state === 'RUNNING') exec.state = 'SUCCEEDED';
    } catch (err) {
      if (exec.state === 'RUNNING') Object.assign(exec, { state: 'FAILED', reason: (err as Error).message });
    } finally {
      db.close();
      rmSync(join(this.scratch, exec.id), { recursive: true, force: true });
    }
  }

  /** What Athena's UNLOAD leaves in S3: extensionless data files under an empty target, a manifest and metadata in the result location. */
  private async unload(exec: Execution, db: DuckDBSession, sql: string, target: string): Promise<void> {
    const m = S3_URI.exec(target)!;
    const prefix = m[2].replace(/\/?$/, '/');
    const existing = await this.s3.send(new ListObjectsV2Command({ Bucket: m[1], Prefix: prefix, MaxKeys: 1 }));
    if (existing.KeyCount)
      throw new Error(`HIVE_PATH_ALREADY_EXISTS: Target directory for table 'unload_${exec.id.replace(/-/g, '')}' already exists: ${target}`);
    const dir = join(this.scratch, exec.id, 'unload');
    mkdirSync(dir, { recursive: true });
    const rowsPerFile = this.options.rowsPerFile ?? 100_000;
    await db.run(`CREATE TABLE "__unload" AS ${sql}`);
    const [{ n }] = await db.all(`SELECT count(*) AS n FROM "__unload"`);
    for (let i = 0, offset = 0; offset === 0 || offset < Number(n); i++, offset += rowsPerFile) {
      await db.copyTo(`SELECT * FROM "__unload" LIMIT ${rowsPerFile} OFFSET ${offset}`, join(dir, `part_${String(i).padStart(5, '0')}`), 'parquet');
    }
    // Trino's query id shape, then a UUID per file: no extension, as Athena writes them.
    const d = exec.submitted.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
    const trinoId = `${d}_${String(++this.sequence).padStart(5, '0')}_${exec.id.replace(/-/g, '').slice(0, 5)}`;
    const uris: string[] = [];
    for (const file of readdirSync(dir).sort()) {
      const key = `${prefix}${trinoId}_${randomUUID()}`;
      await this.s3.send(new PutObjectCommand({ Bucket: m[1], Key: key, Body: readFileSync(join(dir, file)) }));
      uris.push(`s3://${m[1]}/${key}`);
    }
    const r = S3_URI.exec(exec.resultLocation)!;
    await this.s3.send(new PutObjectCommand({ Bucket: r[1], Key: `${r[2]}${exec.id}-manifest.csv`, Body: uris.map((u) => `${u}\n`).join('') }));
    await this.s3.send(new PutObjectCommand({ Bucket: r[1], Key: `${r[2]}${exec.id}.metadata`, Body: new Uint8Array() }));
    exec.output = target;
  }
}
