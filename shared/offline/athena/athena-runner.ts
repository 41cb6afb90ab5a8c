import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
} from '@aws-sdk/client-athena';
import { AthenaQueryError, AthenaTimeoutError } from '../../errors.js';

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

  /** Every result row, typed from the result metadata, following NextToken pages. */
  async rows(queryId: string): Promise<{ columns: ColumnInfo[]; rows: Record<string, unknown>[] }> {
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
        rows.push(Object.fromEntries(columns.map((c, i) => [c.Name!, fromText(c.Type ?? 'varchar', row.Data?.[i]?.VarCharValue)])));
      }
      first = false;
      token = r.NextToken;
    } while (token);
    return { columns, rows };
  }
}

/** Athena returns every value as text; types come from ColumnInfo. */
export function fromText(type: string, v: string | undefined): unknown {
  if (v === undefined || v === null) return null;
  const t = type.toLowerCase();
  if (t === 'bigint' || t === 'integer' || t === 'int' || t === 'smallint' || t === 'tinyint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v;
  }
  if (t === 'double' || t === 'float' || t === 'real' || t.startsWith('decimal')) return Number(v);
  if (t === 'boolean') return v === 'true';
  if (t.startsWith('timestamp')) return new Date(`${v.replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? '' : 'Z'}`);
  return v;
}
