/**
 * A small Athena test double: the Athena JSON protocol over HTTP (StartQueryExecution,
 * GetQueryExecution, GetQueryResults, StopQueryExecution), executing each query on DuckDB over the
 * Parquet objects that Glue tables (in moto) point at in S3 (in moto). `UNLOAD ... TO 's3://…'`
 * writes Parquet back to S3. moto's own Athena runs no SQL; this one returns real rows, so the
 * Athena-dialect PIT SQL is proved end to end. Point the SDK at it with AWS_ENDPOINT_URL_ATHENA.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteIdentifier as q, quoteString } from '../../shared/offline/sql/quote.js';

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
}

const DUCK_TYPES: Record<string, string> = { string: 'VARCHAR', bigint: 'BIGINT', int: 'INTEGER', float: 'FLOAT', double: 'DOUBLE', boolean: 'BOOLEAN', binary: 'BLOB', timestamp: 'TIMESTAMP' };
const ATHENA_TYPES: Record<string, string> = { VARCHAR: 'varchar', BIGINT: 'bigint', INTEGER: 'integer', FLOAT: 'real', DOUBLE: 'double', BOOLEAN: 'boolean', TIMESTAMP: 'timestamp', 'TIMESTAMP WITH TIME ZONE': 'timestamp', DATE: 'date', BLOB: 'varbinary' };

function text(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '');
  return String(v);
}

export class AthenaDouble {
  private readonly executions = new Map<string, Execution>();
  private server?: Server;
  private readonly scratch = mkdtempSync(join(tmpdir(), 'athena-double-'));
  /** Every query text received, for tests that inspect what was sent. */
  readonly queries: string[] = [];

  /** `delayMs` holds each query in RUNNING first, to exercise polling, timeouts and StopQueryExecution. */
  constructor(private readonly s3: S3Client, private readonly glue: GlueClient, private readonly options: { delayMs?: number } = {}) {}

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
          (err: Error) => (res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }), res.end(JSON.stringify({ __type: 'InvalidRequestException', message: err.message }))),
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
        const id = randomUUID();
        const sql = String(body.QueryString);
        this.queries.push(sql);
        const database = (body.QueryExecutionContext as { Database?: string } | undefined)?.Database ?? 'default';
        const exec: Execution = { id, sql, state: 'RUNNING', columns: [], rows: [], scanned: 0, submitted: new Date() };
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
          ResultSet: { Rows: [...header, ...page.map((r) => ({ Data: r.map((v) => (v === undefined ? {} : { VarCharValue: v })) }))], ResultSetMetadata: { ColumnInfo: e.columns.map((c) => ({ Name: c.name, Label: c.name, Type: c.type })) } },
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
          if (!o.Key!.endsWith('.parquet')) continue;
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
      const relation = files.length
        ? `read_parquet([${files.map(quoteString).join(', ')}], hive_partitioning = ${t.Table!.PartitionKeys?.length ? 'true' : 'false'}, hive_types_autocast = false, union_by_name = true)`
        : `(SELECT ${cols.map((c) => `CAST(NULL AS ${DUCK_TYPES[c.Type!] ?? 'VARCHAR'}) AS ${q(c.Name!)}`).join(', ')} WHERE 1 = 0)`;
      out = out.split(ref).join(relation);
    }
    return out;
  }

  private async execute(exec: Execution, database: string): Promise<void> {
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    if (exec.state !== 'RUNNING') return;
    const db = await DuckDBSession.create();
    try {
      const unload = /^\s*UNLOAD\s*\(([\s\S]*)\)\s*TO\s*'((?:[^']|'')+)'\s*WITH\s*\(\s*format\s*=\s*'PARQUET'\s*\)\s*$/i.exec(exec.sql);
      const sql = await this.resolveTables(unload ? unload[1] : exec.sql, database, exec);
      if (unload) {
        const target = unload[2].replaceAll("''", "'");
        const local = join(this.scratch, exec.id, 'unload.parquet');
        await db.copyTo(sql, local, 'parquet');
        const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(target)!;
        await this.s3.send(new PutObjectCommand({ Bucket: m[1], Key: `${m[2].replace(/\/?$/, '/')}${exec.id}_00000.parquet`, Body: readFileSync(local) }));
        exec.output = target;
      } else {
        const described = await db.all(`DESCRIBE SELECT * FROM (${sql}) t`);
        exec.columns = described.map((d) => ({ name: String(d.column_name), type: ATHENA_TYPES[String(d.column_type)] ?? (String(d.column_type).startsWith('DECIMAL') ? 'decimal' : 'varchar') }));
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
}
