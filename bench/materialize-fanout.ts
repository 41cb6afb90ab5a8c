/**
 * One chunk worker of the fan-out materialization against moto_server: Parquet objects in S3 →
 * latest per key per row group → conditional PutItem (16 in flight) → one checkpoint per chunk,
 * then finish (watermark + registry). Next to it, in the same run: the store's conditional writes
 * alone (rows already in memory) and a bare BatchWriteItem loop. Also the worker's own CPU per item
 * (moto runs in another process), the figure that bounds a worker on real DynamoDB.
 * moto is an emulator: its absolute items/s say little about AWS (see docs/materialization.md).
 */
import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { tmpdir } from 'node:os';
import { ensureAwsResources } from '../examples/aws-local/resources.js';
import { motoEnv, startMoto } from '../examples/aws-local/moto.js';
import { createAwsClients } from '../shared/aws/clients.js';
import { parseConfig } from '../shared/config/config.js';
import { Entity, FeatureView, Field, FileSource, Float64, String as Str } from '../shared/definitions/index.js';
import { FeatureStore } from '../shared/feature-store.js';
import { AthenaOfflineStore } from '../shared/offline/athena/athena-offline-store.js';
import { toParquet } from '../shared/offline/parquet/write-parquet.js';
import { entityKey } from '../shared/online/entity-key.js';
import { DynamoDBOnlineStore } from '../shared/online/dynamodb-online-store.js';
import { S3RegistryStore } from '../shared/registry/s3-registry-store.js';
import { finishRun, planRun, runChunk } from '../shared/services/materialize.js';
import { report, time } from './lib/report.js';

const ITEMS = Number(process.env.BENCH_FANOUT_ITEMS ?? 4000);
const FILES = Number(process.env.BENCH_FANOUT_FILES ?? 8);
const FEATURES = 10;
const DAY = Date.UTC(2026, 10, 1);

async function concurrently(n: number, limit: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** CPU seconds (user + system) this process spends in `fn`. */
async function cpu<T>(fn: () => Promise<T>): Promise<{ seconds: number; cpuSeconds: number; result: T }> {
  const c0 = process.cpuUsage();
  const r = await time(fn);
  const c = process.cpuUsage(c0);
  return { ...r, cpuSeconds: (c.user + c.system) / 1e6 };
}

export async function benchMaterializeFanout(): Promise<void> {
  const moto = await startMoto();
  Object.assign(process.env, motoEnv(moto.url));
  try {
    const clients = createAwsClients('us-east-1');
    const names = { bucket: 'bench-fanout', table: 'bench-fanout', glueDatabase: 'bench_fanout' };
    await ensureAwsResources(clients, names);
    await DynamoDBOnlineStore.ensureTable(clients.dynamodb, 'bare-fanout');
    await DynamoDBOnlineStore.ensureTable(clients.dynamodb, 'bare-puts');
    const user = new Entity({ name: 'user_id', valueType: Str });
    const view = new FeatureView({
      name: 'wide',
      entities: [user],
      ttl: { days: 7 },
      schema: Array.from({ length: FEATURES }, (_, f) => new Field({ name: `f${f}`, dtype: Float64 })),
      source: new FileSource({ name: 'wide_src', path: 'data/wide', timestampField: 'event_ts' }),
    });
    const offline = new AthenaOfflineStore({
      s3: clients.s3,
      glue: clients.glue,
      athena: clients.athena,
      bucket: names.bucket,
      prefix: 'offline',
      database: names.glueDatabase,
      workgroup: 'primary',
    });
    const store = new FeatureStore(
      parseConfig({ project: 'bench', provider: 'aws', registryCacheSeconds: 0, aws: names }, tmpdir(), {}),
      {
        registryStore: new S3RegistryStore(clients.s3, names.bucket, 'registry/registry.json'),
        online: new DynamoDBOnlineStore({ client: clients.dynamodb, table: names.table, writeConcurrency: 16 }),
        offline,
      },
      { now: () => new Date(DAY + 86_400_000) },
    );
    await store.apply([user, view]);
    // ITEMS distinct keys over FILES objects in one dt partition: one chunk per object.
    const rows = Array.from({ length: ITEMS }, (_, i) => ({
      user_id: `u${i}`,
      event_ts: new Date(DAY + i * 1000),
      ...Object.fromEntries(Array.from({ length: FEATURES }, (_, f) => [`f${f}`, i * 10 + f + 0.5])),
    }));
    const columns = [
      { name: 'user_id', dtype: 'String' as const },
      { name: 'event_ts', dtype: 'Timestamp' as const },
      ...Array.from({ length: FEATURES }, (_, f) => ({ name: `f${f}`, dtype: 'Float64' as const })),
    ];
    const per = Math.ceil(ITEMS / FILES);
    let parquetBytes = 0;
    for (let f = 0; f < FILES; f++) {
      const body = toParquet(columns, rows.slice(f * per, (f + 1) * per));
      parquetBytes += body.byteLength;
      await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: `offline/wide/v1/dt=2026-11-01/part-${f}.parquet`, Body: body }));
    }
    const spec = (await store.context.registry()).view('wide');
    const ctx = store.context;

    // Ours: plan → every chunk (as one worker would, in sequence) → finish.
    const worker = await cpu(async () => {
      const run = await planRun(ctx, spec, new Date(DAY), new Date(DAY + 86_400_000), { chunkBytes: 1 });
      for (const c of run.chunks) await runChunk(ctx, run, c.index);
      return finishRun(ctx, run);
    });
    if (worker.result.written !== ITEMS) throw new Error(`worker wrote ${worker.result.written} of ${ITEMS}`);

    // Baseline 1: the same conditional writes, rows already in memory (no S3 read, no checkpoints).
    const writes = rows.map((r) => ({
      entityKey: entityKey(spec.joinKeys, r),
      values: Object.fromEntries(Array.from({ length: FEATURES }, (_, f) => [`f${f}`, r[`f${f}` as keyof typeof r]])),
      eventTs: r.event_ts.getTime(),
      createdTs: 0,
    }));
    const putsOnly = new DynamoDBOnlineStore({ client: clients.dynamodb, table: 'bare-puts', writeConcurrency: 16 });
    const puts = await cpu(() => putsOnly.write('wide@v1', writes, new Date(), { ttlSeconds: 7 * 86400, advanceWatermark: false }));

    // Baseline 2: bare BatchWriteItem ×16 (unconditional: what a store without newer-wins could do).
    const bare = await cpu(() =>
      concurrently(Math.ceil(ITEMS / 25), 16, async (c) => {
        let items = writes.slice(c * 25, c * 25 + 25).map((r) => ({
          PutRequest: { Item: { pk: { S: r.entityKey }, sk: { S: 'wide@v1' }, features: { M: marshall(r.values) }, event_ts: { N: String(r.eventTs) } } },
        }));
        while (items.length) {
          const res = await clients.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { 'bare-fanout': items } }));
          items = (res.UnprocessedItems?.['bare-fanout'] as typeof items | undefined) ?? [];
        }
      }),
    );
    const line = (name: string, r: { seconds: number; cpuSeconds: number }) => ({
      case: name,
      items_per_s: Math.round(ITEMS / r.seconds),
      ratio_to_bare_batch_write: ITEMS / r.seconds / (ITEMS / bare.seconds),
      worker_cpu_us_per_item: Math.round((r.cpuSeconds / ITEMS) * 1e6),
      cpu_bound_items_per_s: Math.round(ITEMS / r.cpuSeconds),
    });
    report(
      'materialize-fanout-worker',
      `One materialization worker on moto (2 shared cores): ${ITEMS} items, ${FEATURES} features, write concurrency 16; baseline: bare BatchWriteItem ×16 in the same run. items/s is emulator-bound; cpu_bound_items_per_s is what this process could push if the store answered instantly.`,
      ['case', 'items_per_s', 'ratio_to_bare_batch_write', 'worker_cpu_us_per_item', 'cpu_bound_items_per_s'],
      [
        line(`chunk worker: ${FILES} chunks S3 Parquet → conditional PutItem ×16 → checkpoints, + finish`, worker),
        line('conditional PutItem ×16 only (rows in memory)', puts),
        line('bare BatchWriteItem ×16 (baseline)', bare),
      ],
      { setup: { emulator: 'moto_server', items: ITEMS, files: FILES, features: FEATURES, writeConcurrency: 16, parquetBytesPerRow: parquetBytes / ITEMS } },
    );
  } finally {
    moto.stop();
  }
}
