import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { AthenaClient } from '@aws-sdk/client-athena';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { athenaSyntaxErrors } from '../../examples/aws-local/athena-grammar.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import * as repo from '../../examples/feature_repo/definitions.js';
import { resetLambdaStore } from '../../functions/lib/lambda-store.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { AthenaRunner } from '../../shared/offline/athena/athena-runner.js';
import { dropTable } from '../../shared/offline/athena/glue-tables.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteString } from '../../shared/offline/sql/quote.js';
import { createStores } from '../../shared/providers/index.js';
import { uniqueName, clearLambdaEnv } from '../helpers/aws.js';
import { tempDir } from '../helpers/tmp.js';
import { USER_ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';
import { lambdaContext } from '../helpers/lambda-context.js';

const context = lambdaContext({ memoryMb: 1024, remainingMs: 300_000 });
const T = (d: number, h = 0) => new Date(Date.UTC(2026, 9, d, h));
const FEATURES = ['user_activity_daily:sessions_7d', 'user_activity_daily:preferred_model'];

/**
 * The Step Functions training workflow, step by step, on moto + the Athena double: the prepare
 * Lambda, what `athena:startQueryExecution.sync` does with its output (the workgroup's result
 * location, the ClientRequestToken), then the finalize Lambda.
 */
describe('Training datasets: prepare → Athena UNLOAD → finalize (moto + Athena double)', () => {
  const tmp = tempDir();
  const clients = createAwsClients('us-east-1');
  const names = { bucket: uniqueName('train'), table: uniqueName('online'), glueDatabase: uniqueName('train').replace(/-/g, '_') };
  const results = `s3://${names.bucket}/athena-results/`;
  // Several small files per UNLOAD, as Athena writes them in parallel.
  const athena = new AthenaDouble(clients.s3, clients.glue, { outputLocation: results, rowsPerFile: 2 });
  let h: Record<'prepare' | 'finalize', (e: unknown, c: Context) => Promise<any>>;
  let runner: AthenaRunner;
  const registry = async () =>
    (await (await createStores(parseConfig({ project: 'train_test', provider: 'aws', aws: names }, tmp.dir, {}))).registryStore.read())!;
  /** What the `.sync` task does: start (with the token) and wait. */
  const runUnload = (prepared: { queryString: string; clientRequestToken: string }) =>
    runner.run(prepared.queryString, { clientRequestToken: prepared.clientRequestToken });
  const list = async (prefix: string) =>
    ((await clients.s3.send(new ListObjectsV2Command({ Bucket: names.bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);

  beforeAll(async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_ATHENA: await athena.start(),
      SKEWLESS_PROJECT: 'train_test',
      SKEWLESS_BUCKET: names.bucket,
      SKEWLESS_TABLE: names.table,
      SKEWLESS_GLUE_DATABASE: names.glueDatabase,
      SKEWLESS_REGISTRY_CACHE_SECONDS: '0',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    runner = new AthenaRunner({ client: clients.athena, workgroup: 'primary', database: names.glueDatabase });
    await ensureAwsResources(clients, names);
    const config = parseConfig({ project: 'train_test', provider: 'aws', aws: names }, tmp.dir, {});
    const admin = new FeatureStore(config, await createStores(config));
    await admin.apply(Object.values(repo));
    const file = join(tmp.dir, 'part.parquet');
    await writeParquet(
      file,
      USER_ACTIVITY_COLUMNS,
      Array.from({ length: 100 }, (_, i) => ({
        user_id: `u${i}`,
        sessions_7d: i,
        avg_session_duration_sec: 1.5,
        messages_sent_7d: 2,
        tools_used_7d: 0,
        preferred_model: `m${i % 3}`,
        total_tokens_7d: 10,
        event_date: T(20),
        created_at: T(20),
      })),
    );
    await (await createStores(config)).importPart!((await admin.context.registry()).view('user_activity_daily'), file, T(20));
    resetLambdaStore();
    h = {
      prepare: (await import('../../functions/lambda/historical-prepare.js')).handler as never,
      finalize: (await import('../../functions/lambda/historical-finalize.js')).handler as never,
    };
  }, 120_000);
  afterAll(async () => {
    await athena.stop();
    clearLambdaEnv();
    tmp.cleanup();
  });

  const inline = (n: number) => Array.from({ length: n }, (_, i) => ({ user_id: `u${i % 120}`, event_timestamp: T(21, i % 24).toISOString(), label: i % 2 }));

  it('registers the row count and schema of the extensionless files UNLOAD writes (counted from every file, listed in the manifest)', async () => {
    const prepared = await h.prepare({ features: FEATURES, entity_rows: inline(5), output_uri: `s3://${names.bucket}/datasets/small/` }, context);
    const { queryId } = await runUnload(prepared);
    // What Athena left: data files without an extension, and the manifest in the result location.
    const data = await list(prepared.outputUri.replace(`s3://${names.bucket}/`, ''));
    expect(data.length).toBe(3);
    expect(data.every((k) => /\/\d{8}_\d{6}_\d{5}_[a-z0-9]{5}_[0-9a-f-]{36}$/.test(k))).toBe(true);
    const manifest = await (
      await clients.s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: `athena-results/${queryId}-manifest.csv` }))
    ).Body!.transformToString();
    expect(manifest.trim().split('\n').sort()).toEqual(data.map((k) => `s3://${names.bucket}/${k}`).sort());

    const done = await h.finalize({ prepared }, context);
    expect(done).toMatchObject({ status: 'SUCCEEDED', s3Uri: prepared.outputUri, rowCount: 5, files: 3, name: 'small' });
    expect(done.schema.map((c: { name: string }) => c.name)).toEqual(['user_id', 'event_timestamp', 'label', 'sessions_7d', 'preferred_model']);
    expect((await registry()).datasets!.small).toMatchObject({ s3Uri: prepared.outputUri, rowCount: 5, schema: done.schema });
    // The staging table and objects are gone.
    expect(await list(prepared.stagePrefix)).toEqual([]);
  });

  it('emits an UNLOAD that Trino’s grammar accepts (the PIT query begins with WITH, so it is wrapped)', async () => {
    const prepared = await h.prepare({ features: FEATURES, entity_rows: inline(2), output_uri: `s3://${names.bucket}/datasets/grammar/` }, context);
    expect(prepared.queryString).toMatch(/^UNLOAD \(SELECT \* FROM \(WITH /);
    expect(athenaSyntaxErrors(prepared.queryString)).toEqual([]);
    // The grammar check is live: the form Athena rejects is rejected.
    expect(athenaSyntaxErrors(prepared.queryString.replace(/^UNLOAD \(SELECT \* FROM \(([\s\S]*)\) "__dataset"\)/, 'UNLOAD ($1)')).join()).toMatch(
      /UNLOAD query: .*'WITH' is not valid/,
    );
    await h.finalize({ prepared, error: { Error: 'States.TaskFailed' } }, context);
  });

  it('neither fails nor mixes runs when the start is retried or the output_uri is reused', async () => {
    const output = `s3://${names.bucket}/datasets/reused/`;
    const first = await h.prepare({ features: FEATURES, entity_rows: inline(3), output_uri: output }, context);
    const a = await runUnload(first);
    // Step Functions retries the start after a lost response: the same token is the same query.
    const retried = await runUnload(first);
    expect(retried.queryId).toBe(a.queryId);
    // Athena refuses a non-empty target (as the double does): the same statement under a new token fails.
    const again = await runner.run(first.queryString).catch((e) => e);
    expect(again.message).toMatch(/HIVE_PATH_ALREADY_EXISTS/);
    expect(await h.finalize({ prepared: first }, context)).toMatchObject({ status: 'SUCCEEDED', rowCount: 3 });

    const second = await h.prepare({ features: FEATURES, entity_rows: inline(4), output_uri: output }, context);
    expect(second.outputUri).not.toBe(first.outputUri);
    await runUnload(second);
    expect(await h.finalize({ prepared: second }, context)).toMatchObject({ status: 'SUCCEEDED', rowCount: 4, s3Uri: second.outputUri });
    // The first run's dataset is untouched.
    const offline = (await createStores(parseConfig({ project: 'train_test', provider: 'aws', aws: names }, tmp.dir, {}))).offline;
    expect(await offline.datasetExporter!.describe(first.outputUri)).toMatchObject({ rowCount: 3 });
  });

  it('refuses output URIs the finalize role cannot read, with a 400 naming output_uri', async () => {
    const staged = await list('offline/_staging/');
    for (const output_uri of [
      `s3://other-bucket/datasets/x/`,
      `s3://${names.bucket}/offline/x/`,
      `s3://${names.bucket}/datasets/`,
      `s3://${names.bucket}/datasets/../registry/`,
    ]) {
      const err = await h.prepare({ features: FEATURES, entity_rows: inline(1), output_uri }, context).catch((e) => e);
      expect(err.status, output_uri).toBe(400);
      expect(err.message).toMatch(/output_uri must be under s3:\/\/.*\/datasets\//);
    }
    // Nothing was staged for a refused request.
    expect(await list('offline/_staging/')).toEqual(staged);
  });

  it('takes large sets by S3 URI only: inline rows are for small sets', async () => {
    const err = await h
      .prepare({ features: FEATURES, entity_rows: inline(1001), output_uri: `s3://${names.bucket}/datasets/big-inline/` }, context)
      .catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/entity_rows: at most 1000 rows inline; pass larger sets as entity_uri/);
  });

  it('reads entity rows from a CSV object in S3, typing its columns, and names a bad row', async () => {
    const csv = 'user_id,event_timestamp,label,note\nu1,2026-10-21T01:00:00Z,1,"a, quoted ""note"""\nu2,2026-10-21 02:00:00,0,\n';
    await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: 'entities/small.csv', Body: csv }));
    const prepared = await h.prepare(
      { features: FEATURES, entity_uri: `s3://${names.bucket}/entities/small.csv`, output_uri: `s3://${names.bucket}/datasets/from-csv/` },
      context,
    );
    expect(prepared.rowCount).toBe(2);
    await runUnload(prepared);
    const done = await h.finalize({ prepared }, context);
    expect(done).toMatchObject({ status: 'SUCCEEDED', rowCount: 2 });
    expect(done.schema.find((c: { name: string }) => c.name === 'label').type).toMatch(/^INT_?64$/);

    await clients.s3.send(
      new PutObjectCommand({ Bucket: names.bucket, Key: 'entities/bad.csv', Body: 'user_id,event_timestamp\nu1,2026-10-21T01:00:00Z\nu2,yesterday\n' }),
    );
    const bad = await h
      .prepare({ features: FEATURES, entity_uri: `s3://${names.bucket}/entities/bad.csv`, output_uri: `s3://${names.bucket}/datasets/bad/` }, context)
      .catch((e) => e);
    expect(bad.status).toBe(400);
    expect(bad.message).toMatch(/entity row 1, field 'event_timestamp'/);
  });

  it('builds a 1,000,000-row training set from an entity Parquet file in S3; the state carries references only', async () => {
    const n = 1_000_000;
    const file = join(tmp.dir, 'entities.parquet');
    const db = await DuckDBSession.create();
    try {
      await db.run(
        `COPY (SELECT 'u' || (i % 150) AS user_id, TIMESTAMP '2026-10-21 00:00:00' + to_seconds(i % 86400) AS event_timestamp, i % 2 AS label FROM range(${n}) t(i)) TO ${quoteString(file)} (FORMAT parquet)`,
      );
    } finally {
      db.close();
    }
    await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: 'entities/one-million.parquet', Body: readFileSync(file) }));
    const big = new AthenaDouble(clients.s3, clients.glue, { outputLocation: results });
    const bigRunner = new AthenaRunner({
      client: new AthenaClient({ region: 'us-east-1', endpoint: await big.start() }),
      workgroup: 'primary',
      database: names.glueDatabase,
    });
    try {
      const request = {
        features: FEATURES,
        entity_uri: `s3://${names.bucket}/entities/one-million.parquet`,
        output_uri: `s3://${names.bucket}/datasets/one-million/`,
      };
      expect(JSON.stringify(request).length).toBeLessThan(1024);
      const prepared = await h.prepare(request, context);
      expect(prepared.rowCount).toBe(n);
      // What Step Functions keeps in its state between the steps: a few KB whatever the row count (cap 256 KB).
      expect(JSON.stringify({ prepared }).length).toBeLessThan(16 * 1024);
      await bigRunner.run(prepared.queryString, { clientRequestToken: prepared.clientRequestToken });
      const done = await h.finalize({ prepared }, context);
      expect(done).toMatchObject({ status: 'SUCCEEDED', rowCount: n, name: 'one-million' });
      expect(done.files).toBeGreaterThan(1);
      expect(done.schema.map((c: { name: string }) => c.name)).toEqual(['user_id', 'event_timestamp', 'label', 'sessions_7d', 'preferred_model']);
      expect((await registry()).datasets!['one-million']).toMatchObject({ rowCount: n });
    } finally {
      await big.stop();
    }
  }, 600_000);

  it('dropTable: a table that is already gone is fine; any other Glue error is raised', async () => {
    await expect(dropTable(clients.glue, names.glueDatabase, 'skewless_entity_gone')).resolves.toBeUndefined();
    const glue = createAwsClients('us-east-1').glue;
    glue.middlewareStack.add(
      (next, ctx) => async (args) => {
        if (ctx.commandName === 'DeleteTableCommand')
          throw Object.assign(new Error('User is not authorized to perform: glue:DeleteTable'), { name: 'AccessDeniedException' });
        return next(args);
      },
      { step: 'initialize', name: 'deny' },
    );
    await expect(dropTable(glue, names.glueDatabase, 'skewless_entity_x')).rejects.toThrow(/not authorized/);
  });
});
