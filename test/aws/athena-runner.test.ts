import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { AthenaRunner } from '../../shared/offline/athena/athena-runner.js';
import { awsForTests } from '../helpers/aws.js';
import { AthenaQueryError, AthenaTimeoutError } from '../../shared/errors.js';

describe('Class: AthenaRunner (against the Athena double)', () => {
  const aws = awsForTests();
  // The workgroup's result location (Athena fails a query that has none).
  const fast = new AthenaDouble(aws.s3, aws.glue, { outputLocation: 's3://athena-results/' });
  const slow = new AthenaDouble(aws.s3, aws.glue, { delayMs: 2000, outputLocation: 's3://athena-results/' });
  let fastUrl: string;
  let slowUrl: string;
  beforeAll(async () => ((fastUrl = await fast.start()), (slowUrl = await slow.start())));
  afterAll(async () => (await fast.stop(), await slow.stop()));
  const runner = (endpoint: string, timeoutMs?: number) =>
    new AthenaRunner({
      client: new AthenaClient({ region: 'us-east-1', endpoint }),
      workgroup: 'primary',
      database: 'default',
      ...(timeoutMs ? { timeoutMs } : {}),
    });

  it('polls until SUCCEEDED and pages through typed results, skipping the header row', async () => {
    const r = runner(fastUrl);
    // Trino syntax (the double parses every statement with Trino's grammar), run on DuckDB.
    const { queryId } = await r.run(
      `SELECT i AS n, 'x' || CAST(i AS VARCHAR) AS s, CAST(i AS DOUBLE) * 0.5 AS d, TIMESTAMP '2024-01-01 00:00:00' + i * INTERVAL '1' SECOND AS t FROM UNNEST(range(0, 2500)) AS u(i) ORDER BY i`,
    );
    const { rows, columns } = await r.rows(queryId);
    expect(columns.map((c) => [c.Name, c.Type])).toEqual([
      ['n', 'bigint'],
      ['s', 'varchar'],
      ['d', 'double'],
      ['t', 'timestamp'],
    ]);
    expect(rows).toHaveLength(2500);
    expect(rows[2499]).toEqual({ n: 2499, s: 'x2499', d: 1249.5, t: new Date('2024-01-01T00:41:39Z') });
  });

  it("surfaces Athena's StateChangeReason when a query fails", async () => {
    const err = await runner(fastUrl)
      .run(`SELECT * FROM "nowhere"."missing_table"`)
      .catch((e) => e);
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err.message).toMatch(/FAILED: TABLE_NOT_FOUND.*missing_table/);
  });

  it('fails a statement that Trino’s grammar rejects with SYNTAX_ERROR, as Athena does', async () => {
    const err = await runner(fastUrl)
      .run(`UNLOAD (WITH a AS (SELECT 1 AS x) SELECT x FROM a) TO 's3://b/p/' WITH (format = 'PARQUET')`)
      .catch((e) => e);
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect(err.message).toMatch(/FAILED: SYNTAX_ERROR: UNLOAD query: .*'WITH' is not valid/);
  });

  it('needs a result location: the request’s or the workgroup’s', async () => {
    const bare = new AthenaDouble(aws.s3, aws.glue);
    try {
      const url = await bare.start();
      const err = await runner(url)
        .run('SELECT 1')
        .catch((e) => e);
      expect(err.message).toMatch(/No output location provided/);
      const withLocation = new AthenaRunner({
        client: new AthenaClient({ region: 'us-east-1', endpoint: url }),
        workgroup: 'primary',
        database: 'default',
        outputLocation: 's3://athena-results/',
      });
      await expect(withLocation.run('SELECT 1')).resolves.toMatchObject({ queryId: expect.any(String) });
    } finally {
      await bare.stop();
    }
  });

  it('stops the query when it runs past the timeout', async () => {
    const err = await runner(slowUrl, 300)
      .run('SELECT 1')
      .catch((e) => e);
    expect(err).toBeInstanceOf(AthenaTimeoutError);
    const state = await new AthenaClient({ region: 'us-east-1', endpoint: slowUrl }).send(
      new (await import('@aws-sdk/client-athena')).GetQueryExecutionCommand({ QueryExecutionId: err.details.queryId }),
    );
    expect(state.QueryExecution?.Status?.State).toBe('CANCELLED');
  });
});
