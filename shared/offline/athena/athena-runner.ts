import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
} from '@aws-sdk/client-athena';
import { parseDType, type DType } from '../../definitions/dtypes.js';
import { trinoType } from '../../definitions/type-map.js';
import { AthenaQueryError, AthenaTimeoutError, InternalError } from '../../errors.js';
import { travelsAsJson } from '../sql/text-result.js';

export interface AthenaRunnerOptions {
  client: AthenaClient;
  workgroup: string;
  database: string;
  /** s3:// location for result files. */
  outputLocation?: string;
  timeoutMs?: number;
}

/** StartQueryExecution → GetQueryExecution polled with backoff → done, failed (with reason) or stopped on timeout. */
export class AthenaRunner {
  constructor(private readonly o: AthenaRunnerOptions) {}

  /** `clientRequestToken` (32–128 chars) makes the start idempotent: a retried start returns the same query instead of running it twice. */
  async run(sql: string, options: { clientRequestToken?: string } = {}): Promise<{ queryId: string; bytesScanned: number }> {
    const start = await this.o.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        ...(options.clientRequestToken ? { ClientRequestToken: options.clientRequestToken } : {}),
        WorkGroup: this.o.workgroup,
        QueryExecutionContext: { Database: this.o.database },
        ...(this.o.outputLocation ? { ResultConfiguration: { OutputLocation: this.o.outputLocation } } : {}),
      }),
    );
    const queryId = start.QueryExecutionId!;
    const deadline = Date.now() + (this.o.timeoutMs ?? 15 * 60_000);
    for (let attempt = 0; ; attempt++) {
      const r = await this.o.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId }));
      const state = r.QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED') return { queryId, bytesScanned: r.QueryExecution?.Statistics?.DataScannedInBytes ?? 0 };
      if (state === 'FAILED' || state === 'CANCELLED') throw new AthenaQueryError(queryId, state, r.QueryExecution?.Status?.StateChangeReason);
      if (Date.now() > deadline) {
        await this.o.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId }));
        throw new AthenaTimeoutError(queryId, this.o.timeoutMs ?? 0);
      }
      await new Promise((res) => setTimeout(res, Math.min(1000, 25 * 1.6 ** attempt)));
    }
  }

  /**
   * Every result row, typed from the result metadata, following NextToken pages. Athena's metadata
   * names an array column `array` without its element type, so arrays are typed by `dtypes` (the
   * columns' known schema): JSON text (`textResultSelect`) or Athena's `[a, b]` rendering.
   */
  async rows(queryId: string, dtypes?: ReadonlyMap<string, DType>): Promise<{ columns: ColumnInfo[]; rows: Record<string, unknown>[] }> {
    let token: string | undefined;
    let columns: ColumnInfo[] = [];
    const rows: Record<string, unknown>[] = [];
    let first = true;
    do {
      const r = await this.o.client.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, NextToken: token, MaxResults: 1000 }));
      columns = r.ResultSet?.ResultSetMetadata?.ColumnInfo ?? columns;
      const page = r.ResultSet?.Rows ?? [];
      // The first row of the first page repeats the column names.
      for (const row of first ? page.slice(1) : page) {
        rows.push(Object.fromEntries(columns.map((c, i) => [c.Name!, fromText(c.Type ?? 'varchar', row.Data?.[i]?.VarCharValue, dtypes?.get(c.Name!))])));
      }
      first = false;
      token = r.NextToken;
    } while (token);
    return { columns, rows };
  }
}

/** Athena returns every value as text; types come from ColumnInfo, and for arrays from the column's known dtype. */
export function fromText(type: string, v: string | undefined, dtype?: DType): unknown {
  if (v === undefined || v === null) return null;
  const t = type.toLowerCase();
  if (dtype && parseDType(dtype).array) return arrayFromText(t, v, dtype);
  if (t === 'bigint' || t === 'integer' || t === 'int' || t === 'smallint' || t === 'tinyint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (t === 'double' || t === 'float' || t === 'real' || t.startsWith('decimal')) return Number(v);
  if (t === 'boolean') return v === 'true';
  if (t.startsWith('timestamp')) return new Date(`${v.replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? '' : 'Z'}`);
  return v;
}

/**
 * An array column's text: JSON (`json_format(CAST(x AS JSON))`, typed varchar or json) or Athena's
 * own `[a, b]` (typed array), which is read only for elements that never hold ", " (instants, bytes).
 */
function arrayFromText(type: string, v: string, dtype: DType): unknown[] {
  const element = trinoType(parseDType(dtype).scalar).toLowerCase();
  if (type === 'varchar' || type === 'json') {
    const parsed: unknown = JSON.parse(v);
    if (!Array.isArray(parsed)) throw new InternalError(`expected a JSON array for a ${dtype} result, got ${v.slice(0, 80)}`);
    return parsed.map((e) => (e === null || typeof e !== 'string' ? e : fromText(element, e)));
  }
  if (!type.startsWith('array')) throw new InternalError(`a ${dtype} result arrived as ${type}`);
  if (travelsAsJson(dtype)) throw new InternalError(`a ${dtype} result must be selected as JSON (textResultSelect): Athena renders its strings unquoted`);
  const inner = v.replace(/^\[|\]$/g, '');
  return inner === '' ? [] : inner.split(', ').map((e) => (e === 'null' ? null : fromText(element, e)));
}
