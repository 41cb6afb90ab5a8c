import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { AthenaQueryError, AthenaRunner, AthenaTimeoutError } from '../../shared/offline/athena/athena-runner.js';
import { awsForTests } from '../helpers/aws.js';

describe('Class: AthenaRunner (against the Athena double)', () => {
  const aws = awsForTests();
  const fast = new AthenaDouble(aws.s3, aws.glue);
  const slow = new AthenaDouble(aws.s3, aws.glue, { delayMs: 2000 });
  let fastUrl: string;
  let slowUrl: string;
  beforeAll(async () => ((fastUrl = await fast.start()), (slowUrl = await slow.start())));
  afterAll(async () => (await fast.stop(), await slow.stop()));
  const runner = (endpoint: string, timeoutMs?: number) =>
    new AthenaRunner({ client: new AthenaClient({ region: 'us-east-1', endpoint }), workgroup: 'primary', database: 'default', ...(timeoutMs ? { timeoutMs } : {}) });

  it('polls until SUCCEEDED and pages through typed results, skipping the header row', async () => {
    const r = runner(fastUrl);
    const { queryId } = await r.run(`SELECT i AS n, 'x' || i AS s, CAST(i AS DOUBLE) * 0.5 AS d, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (i) SECOND AS t FROM range(2500) t(i) ORDER BY i`);
    const { rows, columns } = await r.rows(queryId);
    expect(columns.map((c) => [c.Name, c.Type])).toEqual([['n', 'bigint'], ['s', 'varchar'], ['d', 'double'], ['t', 'timestamp']]);
    expect(rows).toHaveLength(2500);
    expect(rows[2499]).toEqual({ n: 2499, s: 'x2499', d: 1249.5, t: new Date('2024-01-01T00:41:39Z') });
  });

  it("surfaces Athena's StateChangeReason when a query fails", async () => {
    const err = await runner(fastUrl).run(`SELECT * FROM "nowhere"."missing_table"`).catch((e) => e);
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err.message).toMatch(/FAILED: TABLE_NOT_FOUND.*missing_table/);
  });

  it('stops the query when it runs past the timeout', async () => {
    const err = await runner(slowUrl, 300).run('SELECT 1').catch((e) => e);
    expect(err).toBeInstanceOf(AthenaTimeoutError);
    const state = await new AthenaClient({ region: 'us-east-1', endpoint: slowUrl }).send(new (await import('@aws-sdk/client-athena')).GetQueryExecutionCommand({ QueryExecutionId: err.details.queryId }));
    expect(state.QueryExecution?.Status?.State).toBe('CANCELLED');
  });
});
