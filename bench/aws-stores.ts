/**
 * Provider aws against moto_server (issue 13 items 2 and 4), each case next to bare SDK calls on
 * the same emulator in the same run. moto is an emulator: the ratios and differences say what
 * skewless adds, not how fast AWS is (docs/performance.md has the estimate for real DynamoDB).
 *
 * - Lookup: the online-lookup Lambda's bundle (built as the CDK app builds it) invoked in process
 *   with an API Gateway event, warm, vs the bare BatchGetItem calls for the same keys (≤ 100 per
 *   call, in parallel, on a client with the same settings). Calls alternate, so drift hits both;
 *   percentiles in microseconds.
 * - Materialization: the store's conditional PutItem writes at the configured concurrency (input
 *   with every key twice: only the newest may be sent) vs a bare BatchWriteItem loop (25 per call)
 *   at the same concurrency over the distinct rows.
 */
import { BatchGetItemCommand, BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as exampleRepo from '../examples/feature_repo/definitions.js';
import { ensureAwsResources } from '../examples/aws-local/resources.js';
import { motoEnv, startMoto } from '../examples/aws-local/moto.js';
import { createAwsClients } from '../shared/aws/clients.js';
import { DEFAULT_WRITE_CONCURRENCY, parseConfig } from '../shared/config/config.js';
import { FeatureStore } from '../shared/feature-store.js';
import { entityKey } from '../shared/online/entity-key.js';
import { DynamoDBOnlineStore } from '../shared/online/dynamodb-online-store.js';
import { createStores } from '../shared/providers/index.js';
import { buildLambdaBundle, ROOT } from './lib/lambda-bundle.js';
import { percentile, report, RESULTS_DIR, time, verdicts } from './lib/report.js';

const USERS = Number(process.env.BENCH_AWS_USERS ?? 1000);
const LOOKUPS = Number(process.env.BENCH_AWS_LOOKUPS ?? 300);
const WARMUP = 30;
const WRITE_KEYS = Number(process.env.BENCH_AWS_ITEMS ?? 1500);
const CONCURRENCY = Number(process.env.BENCH_AWS_CONCURRENCY ?? DEFAULT_WRITE_CONCURRENCY);
const VIEW = 'user_activity_daily@v1';
const FEATURES = ['sessions_7d', 'avg_session_duration_sec', 'messages_sent_7d', 'tools_used_7d', 'preferred_model', 'total_tokens_7d'];
const names = { bucket: 'bench-aws', table: 'bench-aws', glueDatabase: 'bench_aws' };

const userKey = (id: string) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: id });
const context = { functionName: 'bench', awsRequestId: 'bench', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

async function pool(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** BatchGetItem calls of ≤ 100 keys, all at once: what any client of the table would send. */
async function bareBatchGet(client: DynamoDBClient, ids: string[]): Promise<number> {
  const keys = ids.map((id) => ({ pk: { S: userKey(id) }, sk: { S: VIEW } }));
  const calls: Promise<{ Responses?: Record<string, unknown[]> }>[] = [];
  for (let i = 0; i < keys.length; i += 100)
    calls.push(client.send(new BatchGetItemCommand({ RequestItems: { [names.table]: { Keys: keys.slice(i, i + 100) } } })));
  return (await Promise.all(calls)).reduce((n, r) => n + (r.Responses?.[names.table]?.length ?? 0), 0);
}

/** API Gateway's event for a lookup of every bench feature for `ids`. */
function lookupEvent(ids: string[]) {
  return {
    httpMethod: 'POST',
    path: '/get-online-features',
    resource: '/get-online-features',
    headers: { 'content-type': 'application/json' },
    queryStringParameters: null,
    body: JSON.stringify({ features: FEATURES.map((f) => `user_activity_daily:${f}`), entities: { user_id: ids } }),
    isBase64Encoded: false,
    requestContext: { requestId: 'bench' },
  };
}

async function lookupCase(
  handler: (e: unknown, c: Context) => Promise<APIGatewayProxyResult>,
  client: DynamoDBClient,
  n: number,
): Promise<Record<string, number | string>> {
  const ids = Array.from({ length: n }, (_, i) => `u${(i * 37) % USERS}`);
  const event = lookupEvent(ids);
  const invoke = async () => {
    const r = await handler(event, context);
    if (r.statusCode !== 200) throw new Error(`lookup answered ${r.statusCode}: ${r.body}`);
    const body = JSON.parse(r.body) as { results: { statuses: string[] }[] };
    if (body.results[1].statuses.some((s) => s !== 'PRESENT')) throw new Error('lookup found missing rows: the bench data is not in place');
  };
  const bare = async () => {
    if ((await bareBatchGet(client, ids)) !== n) throw new Error('bare BatchGetItem missed items');
  };
  for (let i = 0; i < WARMUP; i++) await Promise.all([invoke(), bare()].map((p) => p));
  const ours = { wall: [] as number[], cpu: [] as number[] };
  const base = { wall: [] as number[], cpu: [] as number[] };
  for (let i = 0; i < LOOKUPS; i++) {
    // Alternate which goes first, so neither always runs right after the other's GC.
    for (const [fn, into] of i % 2
      ? ([
          [bare, base],
          [invoke, ours],
        ] as const)
      : ([
          [invoke, ours],
          [bare, base],
        ] as const)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fn();
      into.wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      into.cpu.push((c.user + c.system) / 1000);
    }
  }
  const [p50, p99, bp50, bp99] = [percentile(ours.wall, 50), percentile(ours.wall, 99), percentile(base.wall, 50), percentile(base.wall, 99)];
  const [c50, c99, bc50, bc99] = [percentile(ours.cpu, 50), percentile(ours.cpu, 99), percentile(base.cpu, 50), percentile(base.cpu, 99)];
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  return {
    // This process's CPU per call: moto runs in another process, so this is what the client side costs,
    // free of the emulator's (and the shared machine's) latency noise.
    lambda_cpu_p50_ms: c50,
    lambda_cpu_p99_ms: c99,
    bare_cpu_p50_ms: bc50,
    bare_cpu_p99_ms: bc99,
    added_cpu_p50_ms: ms(c50 - bc50),
    added_cpu_p99_ms: ms(c99 - bc99),
    case: `lookup ${n} entit${n === 1 ? 'y' : 'ies'} × ${FEATURES.length} features`,
    lambda_p50_ms: p50,
    lambda_p99_ms: p99,
    bare_p50_ms: bp50,
    bare_p99_ms: bp99,
    added_p50_ms: ms(p50 - bp50),
    added_p99_ms: ms(p99 - bp99),
  };
}

const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 5);

/**
 * A Lambda's cold start as a fresh process sees it: the import (init; on Lambda at full CPU) and the
 * first invocation, each in wall and CPU ms, `script` printing `init_wall init_cpu first_wall first_cpu`.
 */
interface Cold {
  init: number;
  initCpu: number;
  first: number;
  firstCpu: number;
}

function coldStart(script: string): Cold {
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`cold start failed: ${r.stderr}${r.stdout}`);
  const [init, initCpu, first, firstCpu] = r.stdout.trim().split('\n').pop()!.split(' ').map(Number);
  return { init, initCpu, first, firstCpu };
}

/** Times `init` (sync) then `first` (a promise) in the child; prints the four figures. */
const coldScript = (init: string, first: string) => `
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6, cpu = (c) => { const d = process.cpuUsage(c); return (d.user + d.system) / 1e3; };
let t = process.hrtime.bigint(), c = process.cpuUsage();
${init}
const initWall = ms(t), initCpu = cpu(c);
t = process.hrtime.bigint(); c = process.cpuUsage();
(async () => { ${first} })().then(() => console.log(initWall, initCpu, ms(t), cpu(c)), (e) => { console.error(e); process.exit(1); });`;

export async function benchAws(): Promise<void> {
  const moto = await startMoto();
  const saved = { ...process.env };
  Object.assign(process.env, motoEnv(moto.url), {
    SKEWLESS_PROJECT: 'bench_aws',
    SKEWLESS_BUCKET: names.bucket,
    SKEWLESS_TABLE: names.table,
    SKEWLESS_GLUE_DATABASE: names.glueDatabase,
    // As deployed: the warm container revalidates the registry every 30 s, not per request.
    SKEWLESS_REGISTRY_CACHE_SECONDS: '30',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_NAMESPACE: 'SkewlessBench',
  });
  const work = mkdtempSync(join(tmpdir(), 'skewless-bench-aws-'));
  const bundleDir = join(RESULTS_DIR, 'aws-bundle');
  try {
    const clients = createAwsClients('us-east-1');
    await ensureAwsResources(clients, names);
    // What `skewless apply` does with provider aws: the registry in S3, the Glue tables.
    const config = parseConfig({ project: 'bench_aws', provider: 'aws', aws: names }, work, {});
    const admin = new FeatureStore(config, await createStores(config));
    await admin.apply(Object.values(exampleRepo));
    const now = Date.now();
    const rows = Array.from({ length: USERS }, (_, i) => ({
      entityKey: userKey(`u${i}`),
      values: {
        sessions_7d: i % 40,
        avg_session_duration_sec: i / 7,
        messages_sent_7d: i * 3,
        tools_used_7d: i % 9,
        preferred_model: `m${i % 5}`,
        total_tokens_7d: i * 1000,
      },
      eventTs: now - 3_600_000,
      createdTs: now - 3_600_000,
    }));
    await admin.context.online.write(VIEW, rows, new Date(now), { ttlSeconds: 7 * 86400 });

    // The Lambda exactly as deployed: the bundle the CDK app builds, its exported middy handler.
    mkdirSync(bundleDir, { recursive: true });
    const bundle = join(bundleDir, 'online-lookup.cjs');
    await buildLambdaBundle('online-lookup', bundle);
    const { handler } = createRequire(import.meta.url)(bundle) as { handler: (e: unknown, c: Context) => Promise<APIGatewayProxyResult> };
    const bareClient = createAwsClients('us-east-1').dynamodb;
    const lookups = [await lookupCase(handler, bareClient, 1), await lookupCase(handler, bareClient, 100)];

    // Cold starts, alternating: the lookup Lambda (init = its bundle; first = one lookup, which reads
    // the registry from S3 too) vs the bare SDK (init = the DynamoDB client; first = one BatchGetItem).
    const event = { ...lookupEvent(['u1']), requestContext: { requestId: 'cold' } };
    const lambdaCold = coldScript(
      `const { handler } = require(${JSON.stringify(bundle)});`,
      `const r = await handler(${JSON.stringify(event)}, { functionName: 'cold', awsRequestId: 'cold', getRemainingTimeInMillis: () => 30000 }); if (r.statusCode !== 200) throw new Error(r.body);`,
    );
    const bareCold = coldScript(
      `const { DynamoDBClient, BatchGetItemCommand } = require('@aws-sdk/client-dynamodb'); const client = new DynamoDBClient({ region: 'us-east-1' });`,
      `const r = await client.send(new BatchGetItemCommand({ RequestItems: { ${JSON.stringify(names.table)}: { Keys: [{ pk: { S: ${JSON.stringify(userKey('u1'))} }, sk: { S: ${JSON.stringify(VIEW)} } }] } } })); if (!r.Responses) throw new Error('no responses');`,
    );
    const cold = { lambda: [] as Cold[], bare: [] as Cold[] };
    for (let i = 0; i < COLD_RUNS; i++) {
      cold.lambda.push(coldStart(lambdaCold));
      cold.bare.push(coldStart(bareCold));
    }
    const p50 = (runs: Cold[], k: keyof Cold) =>
      percentile(
        runs.map((r) => r[k]),
        50,
      );
    const colds = (['lambda', 'bare'] as const).map((side) => ({
      case: side === 'lambda' ? 'online-lookup Lambda bundle, 1 entity' : 'bare SDK: DynamoDB client, one BatchGetItem',
      init_p50_ms: p50(cold[side], 'init'),
      init_cpu_p50_ms: p50(cold[side], 'initCpu'),
      first_invocation_p50_ms: p50(cold[side], 'first'),
      first_invocation_cpu_p50_ms: p50(cold[side], 'firstCpu'),
      total_cpu_p50_ms: percentile(
        cold[side].map((r) => r.initCpu + r.firstCpu),
        50,
      ),
    }));

    // Materialization: 2 versions of each key in the input; only the newest may reach DynamoDB.
    await DynamoDBOnlineStore.ensureTable(clients.dynamodb, 'bench-writes');
    await DynamoDBOnlineStore.ensureTable(clients.dynamodb, 'bench-bare-writes');
    const writer = createAwsClients('us-east-1', process.env, { maxSockets: Math.max(50, CONCURRENCY) }).dynamodb;
    let puts = 0;
    writer.middlewareStack.add(
      (next, ctx) => async (args) => {
        if (ctx.commandName === 'PutItemCommand') puts++;
        return next(args);
      },
      { step: 'initialize', name: 'count-puts' },
    );
    const store = new DynamoDBOnlineStore({ client: writer, table: 'bench-writes', writeConcurrency: CONCURRENCY });
    const features = (i: number) => Object.fromEntries(Array.from({ length: 10 }, (_, f) => [`f${f}`, i * 10 + f + 0.5]));
    const latest = Array.from({ length: WRITE_KEYS }, (_, i) => ({
      entityKey: userKey(`w${i}`),
      values: features(i),
      eventTs: 1_700_000_000_000 + i,
      createdTs: 0,
    }));
    const input = [...latest.map((r) => ({ ...r, eventTs: r.eventTs - 1000, values: features(-i0(r)) })), ...latest];
    const ours = await time(() => store.write('bench@v1', input, new Date(), { ttlSeconds: 86400 }));
    const bare = await time(() =>
      pool(Math.ceil(WRITE_KEYS / 25), CONCURRENCY, async (c) => {
        let items = latest.slice(c * 25, c * 25 + 25).map((r) => ({
          PutRequest: {
            Item: {
              pk: { S: r.entityKey },
              sk: { S: 'bench@v1' },
              features: { M: marshall(r.values) },
              event_ts: { N: String(r.eventTs) },
              created_ts: { N: String(r.createdTs) },
            },
          },
        }));
        while (items.length) {
          const res = await writer.send(new BatchWriteItemCommand({ RequestItems: { 'bench-bare-writes': items } }));
          items = (res.UnprocessedItems?.['bench-bare-writes'] as typeof items | undefined) ?? [];
        }
      }),
    );
    const oursRate = WRITE_KEYS / ours.seconds;
    const bareRate = WRITE_KEYS / bare.seconds;
    const writes = [
      {
        case: `materialize ${WRITE_KEYS} keys (${input.length} rows, 2 per key): conditional PutItem ×${CONCURRENCY}`,
        items_per_s: Math.round(oursRate),
        bare_items_per_s: Math.round(bareRate),
        speed: oursRate / bareRate,
        requests_per_key: puts / WRITE_KEYS,
      },
    ];

    report(
      'aws-stores',
      `provider aws on moto_server (an emulator: differences show what skewless adds, not AWS speed); lookup: the online-lookup Lambda bundle invoked in process (warm, ${LOOKUPS} calls per case after ${WARMUP} warm-up) vs bare BatchGetItem calls for the same keys; materialize: vs bare BatchWriteItem ×${CONCURRENCY}`,
      [
        'case',
        'lambda_p50_ms',
        'lambda_p99_ms',
        'bare_p50_ms',
        'bare_p99_ms',
        'added_p50_ms',
        'added_p99_ms',
        'items_per_s',
        'bare_items_per_s',
        'speed',
        'requests_per_key',
      ],
      [...lookups, ...writes],
      { setup: { emulator: 'moto_server', users: USERS, lookupsPerCase: LOOKUPS, writeKeys: WRITE_KEYS, writeConcurrency: CONCURRENCY } },
    );
    report(
      'aws-stores-cpu',
      'the same lookups: CPU milliseconds of this process per call (the Lambda handler vs the bare SDK calls; moto runs in another process)',
      ['case', 'lambda_cpu_p50_ms', 'lambda_cpu_p99_ms', 'bare_cpu_p50_ms', 'bare_cpu_p99_ms', 'added_cpu_p50_ms', 'added_cpu_p99_ms'],
      lookups,
    );
    report(
      'aws-cold-start',
      `cold start in a fresh process against moto (${COLD_RUNS} runs each, alternating, p50): init = the module load (the Lambda's init phase), first = the first invocation; the SDK from node_modules as Lambda's runtime provides it`,
      ['case', 'init_p50_ms', 'init_cpu_p50_ms', 'first_invocation_p50_ms', 'first_invocation_cpu_p50_ms', 'total_cpu_p50_ms'],
      colds,
      { setup: { runs: COLD_RUNS } },
    );
    verdicts('aws-stores', [
      ...lookups.flatMap((l) => [
        {
          target: `${l.case}: CPU the Lambda warm path adds over bare BatchGetItem, p50`,
          value: l.added_cpu_p50_ms as number,
          threshold: 1,
          better: 'lower' as const,
          unit: 'ms',
        },
        {
          target: `${l.case}: CPU the Lambda warm path adds over bare BatchGetItem, p99`,
          value: l.added_cpu_p99_ms as number,
          threshold: 1,
          better: 'lower' as const,
          unit: 'ms',
        },
        {
          target: `${l.case}: Lambda warm path over bare BatchGetItem, p50`,
          value: l.added_p50_ms as number,
          threshold: 1,
          better: 'lower' as const,
          unit: 'ms',
        },
        {
          target: `${l.case}: Lambda warm path over bare BatchGetItem, p99`,
          value: l.added_p99_ms as number,
          threshold: 1,
          better: 'lower' as const,
          unit: 'ms',
        },
      ]),
      {
        target: 'materialize: DynamoDB write requests per distinct key (input has 2 rows per key)',
        value: puts / WRITE_KEYS,
        threshold: 1,
        better: 'lower',
        unit: '×',
      },
    ]);
    bareClient.destroy();
    writer.destroy();
  } finally {
    moto.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  }
}

/** The key's index, from its entity key (older versions carry other values). */
function i0(r: { eventTs: number }): number {
  return r.eventTs - 1_700_000_000_000;
}
