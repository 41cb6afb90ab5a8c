import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import * as repo from '../../examples/feature_repo/definitions.js';
import { lambdaStore, resetLambdaStore } from '../../functions/lib/lambda-store.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { AthenaRunner } from '../../shared/offline/athena/athena-runner.js';
import { createStores } from '../../shared/providers/index.js';
import { uniqueName, clearLambdaEnv } from '../helpers/aws.js';
import { tempDir } from '../helpers/tmp.js';
import { USER_ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';
import { captureStdout } from '../helpers/stdout.js';
import { lambdaContext } from '../helpers/lambda-context.js';

const context = lambdaContext();
const apiEvent = (path: string, body: unknown) => ({
  httpMethod: 'POST',
  path,
  resource: path,
  headers: { 'content-type': 'application/json' },
  queryStringParameters: null,
  body: JSON.stringify(body),
  isBase64Encoded: false,
  requestContext: { requestId: 'r1' },
});
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
// Lambdas use the wall clock: the data is placed relative to it.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);
const pushBody = (id: string, messages: unknown, ts = ago(120).toISOString()) => ({
  push_source_name: 'user_realtime_events',
  to: 'online',
  df: { user_id: [id], event_timestamp: [ts], current_session_messages: [messages], current_session_tokens: [null], last_active_minutes_ago: [null] },
});

describe('Lambda handlers with real event shapes (against moto)', () => {
  const tmp = tempDir();
  let athena: AthenaDouble;
  let admin: FeatureStore;
  const names = { bucket: uniqueName('fn'), table: uniqueName('online'), glueDatabase: uniqueName('fn').replace(/-/g, '_') };
  let h: Record<string, (e: unknown, c: Context) => Promise<any>>;

  beforeAll(async () => {
    const clients = createAwsClients('us-east-1');
    athena = new AthenaDouble(clients.s3, clients.glue, { outputLocation: `s3://${names.bucket}/athena-results/` });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_ATHENA: await athena.start(),
      SKEWLESS_PROJECT: 'fn_test',
      SKEWLESS_BUCKET: names.bucket,
      SKEWLESS_TABLE: names.table,
      SKEWLESS_GLUE_DATABASE: names.glueDatabase,
      SKEWLESS_REGISTRY_CACHE_SECONDS: '0',
      POWERTOOLS_METRICS_NAMESPACE: 'SkewlessTest',
      // Read when the handlers are imported below: Powertools warnings (a lookup records no metric) stay out of the output.
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    await ensureAwsResources(clients, names);
    // What `skewless apply` does from a developer machine with provider aws.
    const config = parseConfig({ project: 'fn_test', provider: 'aws', aws: names }, tmp.dir, {});
    admin = new FeatureStore(config, await createStores(config));
    await admin.apply(Object.values(repo));
    const file = join(tmp.dir, 'part.parquet');
    await writeParquet(file, USER_ACTIVITY_COLUMNS, [
      {
        user_id: 'u1',
        sessions_7d: 6,
        avg_session_duration_sec: 100.5,
        messages_sent_7d: 40,
        tools_used_7d: 3,
        preferred_model: 'gpt-4o',
        total_tokens_7d: 8000,
        event_date: ago(43200),
        created_at: ago(43200),
      },
      {
        user_id: 'u2',
        sessions_7d: 1,
        avg_session_duration_sec: 10,
        messages_sent_7d: 2,
        tools_used_7d: 0,
        preferred_model: 'llama-3',
        total_tokens_7d: 100,
        event_date: ago(43200),
        created_at: ago(43200),
      },
    ]);
    await (await createStores(config)).importPart!((await admin.context.registry()).view('user_activity_daily'), file, ago(43200));
    // One raw event for the aggregation view user_activity: its tiles in DynamoDB feed the 7-day sums.
    await admin.push({
      pushSourceName: 'user_events',
      rows: [
        {
          user_id: 'u1',
          session_id: 's1',
          event_date: ago(120).toISOString(),
          duration_sec: 100.5,
          message_count: 40,
          tool_invocations: 3,
          model: 'gpt-4o',
          tokens: 8000,
        },
      ],
    });
    resetLambdaStore();
    h = {
      lookup: (await import('../../functions/lambda/online-lookup.js')).handler as never,
      push: (await import('../../functions/lambda/push.js')).handler as never,
      materialize: (await import('../../functions/lambda/materialize.js')).handler as never,
      prepare: (await import('../../functions/lambda/historical-prepare.js')).handler as never,
      finalize: (await import('../../functions/lambda/historical-finalize.js')).handler as never,
      freshness: (await import('../../functions/lambda/freshness-check.js')).handler as never,
    };
  }, 120_000);
  afterAll(async () => {
    await athena.stop();
    clearLambdaEnv();
    tmp.cleanup();
  });

  it('materialize: an EventBridge scheduled event materializes the view of its rule input', async () => {
    const { result } = await captureStdout(() =>
      h.materialize(
        {
          version: '0',
          id: 'e1',
          'detail-type': 'Scheduled Event',
          source: 'aws.events',
          time: NOW.toISOString(),
          region: 'us-east-1',
          resources: [],
          detail: {},
          views: ['user_activity_daily'],
        },
        context,
      ),
    );
    expect(result.materialized).toMatchObject([{ view: 'user_activity_daily@v1', rows: 2, written: 2 }]);
  });

  it('push + online-lookup: API Gateway proxy events, Feast JSON, 4xx for bad input', async () => {
    const pushed = await h.push(apiEvent('/push', pushBody('u1', 7)), context);
    expect(pushed.statusCode).toBe(200);
    const res = await h.lookup(
      apiEvent('/get-online-features', {
        features: ['user_activity_daily:sessions_7d', 'user_realtime:current_session_messages'],
        entities: { user_id: ['u1', 'nope'] },
      }),
      context,
    );
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.results[1].values).toEqual([6, null]);
    expect(body.results[2].values).toEqual([7, null]);
    const bad = await h.push(apiEvent('/push', pushBody('u1', 'many')), context);
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/row 0, field 'current_session_messages'/);
  });

  it('push: a DynamoDB failure part-way answers 503 with Retry-After and what was written, not 500', async () => {
    const client = ((await lambdaStore()).context.online as unknown as { client: import('@aws-sdk/client-dynamodb').DynamoDBClient }).client;
    let fail = true;
    client.middlewareStack.add(
      (next, ctx) => async (args) => {
        if (ctx.commandName === 'PutItemCommand' && fail) {
          fail = false;
          throw Object.assign(new Error('injected'), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'fail-one-put', priority: 'low' },
    );
    const res = await h.push(apiEvent('/push', pushBody('f1', 1)), context);
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(JSON.parse(res.body).error).toMatchObject({
      code: 'PUSH_INCOMPLETE',
      details: { online: [{ view: 'user_realtime@v1', status: 'partial', written: 0, unwritten: 1 }] },
    });
    expect((await h.push(apiEvent('/push', pushBody('f1', 1)), context)).statusCode).toBe(200);
  });

  it('historical-finalize refuses a stagePrefix outside the staging layout, deleting nothing', async () => {
    const prepared = { name: 'x', features: [], table: `skewless_entity_${'a'.repeat(32)}`, outputUri: 's3://b/datasets/x/' };
    for (const stagePrefix of [
      '',
      'offline/',
      'offline/_staging/',
      `offline/_staging/${'b'.repeat(32)}/`,
      `../_staging/${'a'.repeat(32)}/`,
      `registry/_staging/${'a'.repeat(32)}/`,
    ]) {
      const err = await h.finalize({ prepared: { ...prepared, stagePrefix } }, context).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((err as { status?: number })?.status, stagePrefix).toBe(400);
      expect((err as Error).message).toMatch(/prepared\.stagePrefix/);
    }
  });

  it('push: a Kinesis batch with one bad record quarantines that record and writes the others', async () => {
    const event = {
      Records: [pushBody('k1', 1), pushBody('k2', 'bad'), pushBody('k3', 3)].map((b, i) => ({
        eventSource: 'aws:kinesis',
        eventID: `shardId-000:${i}`,
        kinesis: { sequenceNumber: `seq-${i}`, partitionKey: 'p', data: b64(b), kinesisSchemaVersion: '1.0', approximateArrivalTimestamp: 1 },
      })),
    };
    const out = await h.push(event, context);
    // The invalid record is quarantined under s3://bucket/quarantine/, not retried (test/infra/stream-push.test.ts).
    expect(out).toEqual({ batchItemFailures: [] });
    const res = JSON.parse(
      (
        await h.lookup(
          apiEvent('/get-online-features', { features: ['user_realtime:current_session_messages'], entities: { user_id: ['k1', 'k2', 'k3'] } }),
          context,
        )
      ).body,
    );
    expect(res.results[1].values).toEqual([1, null, 3]);
  });

  it('push: an MSK batch goes through the same validation', async () => {
    const records = [pushBody('m1', 11), { not: 'a push' }].map((b, i) => ({
      topic: 'events',
      partition: 0,
      offset: i,
      timestamp: 1,
      timestampType: 'CREATE_TIME',
      key: '',
      value: b64(b),
      headers: [],
    }));
    const out = await h.push(
      { eventSource: 'aws:kafka', eventSourceArn: 'arn:aws:kafka:us-east-1:1:cluster/c/1', bootstrapServers: 'b:9092', records: { 'events-0': records } },
      context,
    );
    expect(out).toEqual({ batchItemFailures: [] });
  });

  it('historical-retrieval: prepare → Athena UNLOAD (the .sync step) → finalize returns URI, rows and schema', async () => {
    const output = `s3://${names.bucket}/datasets/job-1/`;
    const prepared = await h.prepare(
      {
        features: ['user_activity_daily:sessions_7d', 'user_activity_daily:preferred_model'],
        entity_rows: [
          { user_id: 'u1', event_timestamp: ago(3600).toISOString(), label: 1 },
          { user_id: 'u2', event_timestamp: ago(30 * 86400).toISOString(), label: 0 },
        ],
        output_uri: output,
      },
      context,
    );
    expect(prepared.queryString).toMatch(/^UNLOAD \(SELECT \* FROM \(WITH/);
    // What Step Functions' athena:startQueryExecution.sync does with the prepared statement.
    await new AthenaRunner({ client: createAwsClients('us-east-1').athena, workgroup: 'primary', database: names.glueDatabase }).run(prepared.queryString, {
      clientRequestToken: prepared.clientRequestToken,
    });
    const done = await h.finalize({ prepared }, context);
    expect(done).toMatchObject({ status: 'SUCCEEDED', s3Uri: prepared.outputUri, rowCount: 2, name: 'job-1' });
    expect(prepared.outputUri.startsWith(output)).toBe(true);
    const config = parseConfig({ project: 'fn_test', provider: 'aws', aws: names }, tmp.dir, {});
    const registered = (await (await createStores(config)).registryStore.read())!.datasets!['job-1'];
    expect(registered).toMatchObject({
      s3Uri: prepared.outputUri,
      rowCount: 2,
      features: ['user_activity_daily:sessions_7d', 'user_activity_daily:preferred_model'],
    });
    expect(done.schema.map((c: { name: string }) => c.name)).toEqual(['user_id', 'event_timestamp', 'label', 'sessions_7d', 'preferred_model']);
    const failed = await h
      .prepare(
        { features: ['user_activity_daily:nope'], entity_rows: [{ user_id: 'u1', event_timestamp: ago(3600).toISOString() }], output_uri: output },
        context,
      )
      .catch((e) => e);
    expect(failed.message).toMatch(/user_activity_daily@v1:nope/);
    expect(await h.finalize({ prepared, error: { Error: 'States.TaskFailed' } }, context)).toEqual({ status: 'FAILED', outputUri: prepared.outputUri });
  });

  /** A Lambda bundled with the CDK app's settings (minified, CJS, SDK external), under the repo so it finds the SDK. */
  async function lambdaBundle(name = 'online-lookup'): Promise<string> {
    const { build } = await import('esbuild');
    const { mkdirSync } = await import('node:fs');
    const root = join(import.meta.dirname, '../..');
    const dir = join(root, 'node_modules/.cache/skewless-test');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}-${process.pid}.cjs`);
    await build({
      entryPoints: [join(root, `functions/lambda/${name}.ts`)],
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      outfile: file,
      logLevel: 'silent',
      external: ['@aws-sdk/*', '@duckdb/node-api', 'better-sqlite3'],
      alias: { 'skewless-repo-definitions': join(root, 'examples/feature_repo/definitions.ts'), skewless: join(root, 'shared/index.ts') },
    });
    return file;
  }

  /** Runs `invoke` (JS, may be empty) after requiring `file` in a fresh process, as a Lambda container starts; which SDK clients loaded when. */
  async function coldStart(file: string, invoke: string): Promise<{ atInit: string[]; afterFirst: string[]; statusCode?: number; body?: string }> {
    const { spawnSync } = await import('node:child_process');
    const script = `
      const M = require('node:module');
      const loaded = [];
      const load = M._load;
      M._load = function (request, ...rest) {
        if (request.startsWith('@aws-sdk/client-') && !loaded.includes(request)) loaded.push(request);
        return load.call(this, request, ...rest);
      };
      const { handler } = require(${JSON.stringify(file)});
      const atInit = [...loaded].sort();
      (async () => (${invoke || 'undefined'}))().then((r) =>
        console.log(JSON.stringify({ atInit, afterFirst: [...loaded].sort(), statusCode: r?.statusCode, body: r?.body })),
      );`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: process.env });
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  }

  it('a cold lookup Lambda loads the DynamoDB and S3 clients at init and never Glue or Athena', async () => {
    const event = apiEvent('/get-online-features', { features: ['user_activity_daily:sessions_7d'], entities: { user_id: ['u1'] } });
    const out = await coldStart(
      await lambdaBundle(),
      `handler(${JSON.stringify(event)}, { functionName: 'cold', awsRequestId: 'cold', getRemainingTimeInMillis: () => 30000 })`,
    );
    expect(out.statusCode, out.body).toBe(200);
    // Found or not (that depends on the tests before), the row was looked up in DynamoDB.
    expect(JSON.parse(out.body!).results[1].statuses).toHaveLength(1);
    // At init, not in the first invocation; the query clients not at all.
    expect(out.atInit).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3']);
    expect(out.afterFirst).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3']);
  }, 60_000);

  it('a cold Lambda that always queries loads Glue and Athena at init; push (online by default) does not', async () => {
    const all = ['@aws-sdk/client-athena', '@aws-sdk/client-dynamodb', '@aws-sdk/client-glue', '@aws-sdk/client-s3'];
    for (const name of ['historical-prepare', 'historical-finalize', 'materialize'])
      expect((await coldStart(await lambdaBundle(name), '')).atInit, name).toEqual(all);
    expect((await coldStart(await lambdaBundle('push'), '')).atInit).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-s3']);
  }, 120_000);

  it('a minified bundle serves on-demand features with the code hashes it was built with, and refuses others', async () => {
    const { createRequire } = await import('node:module');
    const file = await lambdaBundle();
    const { realpathSync } = await import('node:fs');
    const load = () => {
      const req = createRequire(import.meta.url);
      // require() caches by real path; node_modules may be a symlink (a shared install), so delete that key.
      delete req.cache[realpathSync(file)];
      return req(file).handler as (e: unknown, c: Context) => Promise<{ statusCode: number; body: string }>;
    };
    const event = apiEvent('/get-online-features', { features: ['user_engagement:tokens_per_message_7d'], entities: { user_id: ['u1'] } });
    process.env.SKEWLESS_CODE_HASHES = JSON.stringify({ user_engagement: repo.userEngagement.codeHash });
    const ok = await load()(event, context);
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body).results[1].values).toEqual([200]);
    process.env.SKEWLESS_CODE_HASHES = JSON.stringify({ user_engagement: 'not-the-applied-code' });
    const drift = await load()(event, context);
    expect(drift.statusCode).toBe(409);
    expect(JSON.parse(drift.body).error.code).toBe('TRANSFORMATION_DRIFT');
    delete process.env.SKEWLESS_CODE_HASHES;
  }, 60_000);

  it('freshness-check: emits FeatureAgeSeconds per view and StaleFeatureViews as EMF', async () => {
    const { result, lines } = await captureStdout(() =>
      h.freshness({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: NOW.toISOString(), detail: {} }, context),
    );
    expect(result.stale).toBe(0);
    const emf = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l));
    const age = emf.filter((m) => m.FeatureAgeSeconds !== undefined);
    expect(age.map((m) => [m.View, m.FeatureAgeSeconds])).toEqual([
      // An aggregation view's age is the age of its newest event.
      ['user_activity@v1', 120],
      ['user_activity_daily@v1', 43200],
      ['user_realtime@v1', 120],
    ]);
    expect(emf.find((m) => m.StaleFeatureViews !== undefined)).toMatchObject({
      StaleFeatureViews: 0,
      _aws: { CloudWatchMetrics: [{ Namespace: 'SkewlessTest' }] },
    });
    // Each scheduled check is kept in the freshness history (S3, monitoring/freshness/) the UI charts.
    const history = await admin.freshnessHistory();
    expect(history.map((c) => [c.at, c.views.map((v) => [v.view, v.ageSeconds])])).toEqual([
      [
        NOW.toISOString(),
        [
          ['user_activity', 120],
          ['user_activity_daily', 43200],
          ['user_realtime', 120],
        ],
      ],
    ]);
  });
});
