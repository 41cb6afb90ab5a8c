import { DuckDBInstance, JSDuckDBValueConverter, timestampValue, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { duckdbType, dtypeOf, type ColumnType } from '../../definitions/type-map.js';
import { quoteIdentifier as q, quoteString } from '../sql/quote.js';

/** Column types the stager knows how to append from JS values. */
export type StageType = 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'FLOAT' | 'BOOLEAN' | 'TIMESTAMP' | 'BLOB' | 'JSON';

/** How a value of a column type is appended: the type map's DuckDB type; arrays travel as JSON text, cast after. */
export function stageTypeOf(type: ColumnType): StageType {
  return dtypeOf(type).startsWith('Array(') ? 'JSON' : (duckdbType(type) as StageType);
}

export interface StageColumn {
  name: string;
  type: StageType;
}

/** JS rows out of DuckDB: BIGINT → number when safe (else decimal string), timestamps → Date. */
export type Row = Record<string, unknown>;

/** One chunk of a result, column-major: `columns[i][row]` is the value of `names[i]`. */
export interface ColumnChunk {
  names: readonly string[];
  columns: unknown[][];
  rowCount: number;
}

export function toJsValue(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(toJsValue);
  return v;
}

function appendTyped(a: DuckDBAppender, type: StageType, v: unknown): void {
  if (v === null || v === undefined) return a.appendNull();
  switch (type) {
    case 'VARCHAR':
      // Objects in a text column (an untyped pass-through column) are kept as JSON text.
      return a.appendVarchar(typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : String(v));
    case 'JSON':
      return a.appendVarchar(JSON.stringify(v));
    case 'BIGINT':
      return a.appendBigInt(BigInt(v as number));
    case 'INTEGER':
      return a.appendInteger(Number(v));
    case 'DOUBLE':
      return a.appendDouble(Number(v));
    case 'FLOAT':
      return a.appendFloat(Number(v));
    case 'BOOLEAN':
      return a.appendBoolean(Boolean(v));
    case 'BLOB':
      return a.appendBlob(v instanceof Uint8Array ? v : Buffer.from(String(v), 'base64'));
    case 'TIMESTAMP':
      return a.appendTimestamp(timestampValue(BigInt((v as Date).getTime()) * 1000n));
  }
}

/**
 * One embedded DuckDB database with UTC as its time zone. All SQL handed to it comes from the
 * PIT compiler or from fixed statements whose identifiers and literals pass through `quote.ts`.
 */
export class DuckDBSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /**
   * `memoryLimit` (DuckDB's `memory_limit`, e.g. '8GB') bounds the session's buffers; past it, sorts,
   * joins and aggregates spill to `tempDirectory` (DuckDB's `temp_directory`) instead of failing.
   */
  static async create(options: { threads?: number; memoryLimit?: string; tempDirectory?: string } = {}): Promise<DuckDBSession> {
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    const instance = await DuckDBInstance.create(':memory:', config);
    const connection = await instance.connect();
    // TIMESTAMPTZ input must read as UTC; without the ICU extension DuckDB already uses UTC.
    await connection.run("SET TimeZone = 'UTC'").catch(() => undefined);
    return new DuckDBSession(instance, connection);
  }

  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  async all(sql: string): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toJsValue(v)])));
  }

  /** Streams a query's rows in chunks (DuckDB's vector size, ~2048 rows) without materializing it. */
  async *stream(sql: string): AsyncGenerator<Row[]> {
    const result = await this.connection.stream(sql);
    for await (const rows of result.yieldRowObjectJs()) {
      yield rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toJsValue(v)])));
    }
  }

  /**
   * Streams a query's result column by column, one DuckDB chunk (~2048 rows) at a time, with the
   * same JS values as `stream`. No row objects are built, and the next chunk is fetched while the
   * caller works on the current one, so DuckDB's threads and the caller's loop overlap.
   */
  async *streamColumns(sql: string): AsyncGenerator<ColumnChunk> {
    const result = await this.connection.stream(sql);
    const names = result.columnNames();
    let next = result.fetchChunk();
    try {
      for (;;) {
        const chunk = await next;
        if (!chunk || chunk.rowCount === 0) return;
        next = result.fetchChunk();
        const columns = names.map((_, i) => {
          const values = chunk.convertColumnValues(i, JSDuckDBValueConverter) as unknown[];
          for (let j = 0; j < values.length; j++) {
            const v = values[j];
            if (typeof v === 'bigint' || Array.isArray(v)) values[j] = toJsValue(v);
          }
          return values;
        });
        yield { names, columns, rowCount: chunk.rowCount };
      }
    } finally {
      // A consumer that stops early leaves one fetch in flight: let it settle before the connection is reused.
      await next.catch(() => undefined);
    }
  }

  /** Creates `table` and appends rows as data: values never become SQL text. */
  async stage(table: string, columns: readonly StageColumn[], rows: Iterable<Row>, rowIdColumn?: string): Promise<number> {
    const defs = [...(rowIdColumn ? [`${q(rowIdColumn)} BIGINT`] : []), ...columns.map((c) => `${q(c.name)} ${c.type === 'JSON' ? 'VARCHAR' : c.type}`)];
    await this.run(`CREATE OR REPLACE TEMP TABLE ${q(table)} (${defs.join(', ')})`);
    return this.append(table, columns, rows, rowIdColumn);
  }

  /** Appends rows to a table `stage` created (a large input staged chunk by chunk); row ids continue from `firstRowId`. */
  async append(table: string, columns: readonly StageColumn[], rows: Iterable<Row>, rowIdColumn?: string, firstRowId = 0): Promise<number> {
    const appender = await this.connection.createAppender(table, 'main', 'temp');
    let n = 0;
    try {
      for (const row of rows) {
        if (rowIdColumn) appender.appendBigInt(BigInt(firstRowId + n));
        for (const c of columns) appendTyped(appender, c.type, row[c.name]);
        appender.endRow();
        n++;
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return n;
  }

  /** Copies a query's result to a file: Parquet (µs timestamps), CSV or JSON lines. */
  async copyTo(sql: string, path: string, format: 'parquet' | 'csv' | 'json'): Promise<void> {
    const opts = format === 'parquet' ? 'FORMAT parquet' : format === 'csv' ? 'FORMAT csv, HEADER true' : 'FORMAT json';
    await this.run(`COPY (${sql}) TO ${quoteString(path)} (${opts})`);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
