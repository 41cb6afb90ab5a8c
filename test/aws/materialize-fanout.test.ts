import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { AthenaOfflineStore } from '../../shared/offline/athena/athena-offline-store.js';
import { toParquet } from '../../shared/offline/parquet/write-parquet.js';
import { DynamoDBOnlineStore } from '../../shared/online/dynamodb-online-store.js';
import { S3RegistryStore } from '../../shared/registry/s3-registry-store.js';
import { chunkStep, finishStep, planStep } from '../../shared/services/materialize-workflow.js';
import { seededRandom } from '../../shared/util/random.js';
import { uniqueName } from '../helpers/aws.js';
import { testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { latestPerUser, type ActivityRow } from '../helpers/latest-oracle.js';

const T = (d: number, h = 0) => new Date(Date.UTC(2024, 2, d, h));
type Row = ActivityRow;
const COLUMNS = [
  { name: 'user_id', dtype: 'String' as const },
  { name: 'event_date', dtype: 'Timestamp' as const },
  { name: 'created_at', dtype: 'Timestamp' as const },
  { name: 'sessions', dtype: 'Int64' as const },
  { name: 'model', dtype: 'String' as const },
];
const FILES = 16;
const CHUNK = { chunkBytes: 1, batchSize: 25 };

/** Runs Map items `concurrency` at a time, as the Distributed Map does; settles every item, like a Map that fails at the end. */
async function runMap<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<PromiseSettledResult<unknown>[]> {
  const out: PromiseSettledResult<unknown>[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]).then(
          (value) => ({ status: 'fulfilled' as const, value }),
          (reason) => ({ status: 'rejected' as const, reason }),
        );
      }
    }),
  );
  return out;
}

const oracle = latestPerUser;

describe('Workflow: fan-out materialization on moto (plan → Distributed Map of chunks → finish)', () => {
  const tmp = tempDir();
  const clock = { now: T(10, 12) };
  const names = { bucket: uniqueName('fanout'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
  const clients = createAwsClients('us-east-1');
  // A worker "killed" mid-chunk: from the `crashAfter`-th PutItem on, every write fails (the process is gone).
  const crash = { crashAfter: Number.POSITIVE_INFINITY, puts: 0 };
  let offline: AthenaOfflineStore;
  let store: FeatureStore;
  const rows: Row[] = [];
  const [start, end] = [T(5), T(9)];
  // Chunks are reduced by Athena (the latest-per-key query over the chunk's objects).
  const athena = new AthenaDouble(clients.s3, clients.glue);

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
    await ensureAwsResources(clients, names);
    clients.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'PutItemCommand' && ++crash.puts >= crash.crashAfter)
          throw Object.assign(new Error('worker killed (injected)'), { name: 'InjectedCrash' });
        return next(args);
      },
      { step: 'initialize', name: 'crash' },
    );
    offline = new AthenaOfflineStore({
      s3: clients.s3,
      glue: clients.glue,
      athena: createAwsClients('us-east-1').athena,
      bucket: names.bucket,
      prefix: 'offline',
      database: names.glueDatabase,
      workgroup: 'primary',
      outputLocation: `s3://${names.bucket}/athena-results/`,
    });
    const config = parseConfig({ project: 'fanout', provider: 'aws', registryCacheSeconds: 0, aws: names }, join(tmp.dir, 'repo'), {});
    store = new FeatureStore(
      config,
      {
        registryStore: new S3RegistryStore(clients.s3, names.bucket, 'registry/registry.json'),
        online: new DynamoDBOnlineStore({ client: clients.dynamodb, table: names.table }),
        offline,
        // As provider aws does: apply creates the Glue table of each view version.
        onApply: (views) => offline.ensureTables(views),
      },
      { now: () => clock.now },
    );
    await store.apply(testDefinitions().all);
    // 16 Parquet objects over 5 dt partitions (4 inside the window, one day before it), 120 rows each, 200 users.
    const rand = seededRandom(42);
    for (let f = 0; f < FILES; f++) {
      const day = 4 + (f % 5);
      const fileRows = Array.from({ length: 120 }, (_, i) => {
        const event = new Date(T(day).getTime() + Math.floor(rand() * 24) * 3600_000);
        return {
          user_id: `u${Math.floor(rand() * 200)}`,
          event_date: event,
          created_at: new Date(event.getTime() + (f * 1000 + i) * 1000),
          sessions: Math.floor(rand() * 10_000),
          model: `m${f}`,
        };
      });
      rows.push(...fileRows);
      const key = `offline/activity/v1/dt=${T(day).toISOString().slice(0, 10)}/part-${String(f).padStart(2, '0')}.parquet`;
      await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: key, Body: toParquet(COLUMNS, fileRows) }));
    }
  }, 120_000);
  afterAll(async () => {
    await athena.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
    tmp.cleanup();
  });

  it('resumes after a worker is killed mid-chunk: checkpointed chunks are not redone, none is skipped, the result equals the oracle', async () => {
    const ctx = store.context;
    // Execution 1 — plan: one chunk per object in the window's partitions; the chunk list is an S3 JSON array (the Map's ItemReader).
    const plan = await planStep(ctx, { view: 'activity', start, end, ...CHUNK });
    const itemsBody = await (await clients.s3.send(new GetObjectCommand({ Bucket: plan.items!.bucket, Key: plan.items!.key }))).Body!.transformToString();
    const items = JSON.parse(itemsBody) as { chunk: number }[];
    const inWindow = Array.from({ length: FILES }, (_, f) => f).filter((f) => 4 + (f % 5) >= 5);
    expect(items).toEqual(Array.from({ length: plan.chunks }, (_, i) => ({ chunk: i })));
    // The dt=2024-03-04 partition lies before the window: pruned at planning.
    expect(plan.chunks).toBe(inWindow.length);

    // Map with 3 workers; the 450th conditional put kills the workers (~100 puts per chunk: the first three chunks are done, the next three die mid-way).
    crash.crashAfter = 450;
    const first = await runMap(items, 3, (it) => chunkStep(ctx, { runId: plan.runId!, chunk: it.chunk, ...CHUNK }));
    const failed = first.flatMap((r, i) => (r.status === 'rejected' ? [i] : []));
    const doneFirst = first.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(failed.length).toBeGreaterThan(0);
    expect(doneFirst.length).toBeGreaterThan(0);
    // The Map failed, so finish never ran; were it run, it refuses an incomplete run.
    await expect(finishStep(ctx, { runId: plan.runId! })).rejects.toThrow(/chunks not written yet/);
    // Rows of the window are missing online: neither the watermark nor the registry claims it.
    expect((await store.freshness()).find((v) => v.view === 'activity')!.watermark).toBeNull();
    expect((await store.registryDump())!.materializations['activity@v1']).toBeUndefined();

    // Execution 2 (the next schedule): plan resumes the open run instead of planning a new window.
    crash.crashAfter = Number.POSITIVE_INFINITY;
    const resumed = await planStep(ctx, { view: 'activity', end: T(10), ...CHUNK });
    expect(resumed).toEqual(plan);
    const reads: string[] = [];
    const readFrom = offline.readLatestFrom.bind(offline);
    offline.readLatestFrom = (view, files, s, e) => (reads.push(...files.map((f) => f.path)), readFrom(view, files, s, e));
    const second = await runMap(items, 3, (it) => chunkStep(ctx, { runId: plan.runId!, chunk: it.chunk, ...CHUNK }));
    offline.readLatestFrom = readFrom;
    expect(second.every((r) => r.status === 'fulfilled')).toBe(true);
    const again = second.map((r) => (r as PromiseFulfilledResult<{ alreadyDone: boolean }>).value.alreadyDone);
    // Checkpointed chunks are skipped; exactly the failed ones are read (once each).
    expect(again.flatMap((d, i) => (d ? [i] : []))).toEqual(doneFirst);
    const run = (await offline.checkpoints().getRun(plan.runId!))!;
    expect(reads.sort()).toEqual(failed.flatMap((i) => run.chunks[i].files.map((f) => f.path)).sort());

    const result = await finishStep(ctx, { runId: plan.runId! });
    const expected = oracle(rows, start, end);
    // Every chunk dedupes within itself: rows counts one write per (key, chunk), at least one per key.
    expect(result.rows).toBeGreaterThanOrEqual(expected.size);

    // Assess: online state = brute-force latest per key over the window; watermark = newest event in it.
    const users = Array.from({ length: 205 }, (_, i) => `u${i}`);
    const res = await store.getOnlineFeatures({ features: ['activity:sessions', 'activity:model'], entities: { user_id: users } });
    users.forEach((u, j) => {
      const want = expected.get(u);
      const got = { sessions: res.results[1].values[j], model: res.results[2].values[j], ts: res.results[1].event_timestamps[j] };
      if (!want) expect(res.results[1].statuses[j], u).toBe('NOT_FOUND');
      else expect(got, u).toEqual({ sessions: want.sessions, model: want.model, ts: want.event_date.toISOString() });
    });
    const newest = Math.max(...[...expected.values()].map((r) => r.event_date.getTime()));
    expect((await store.freshness()).find((v) => v.view === 'activity')!.watermark).toBe(new Date(newest).toISOString());
    expect((await store.registryDump())!.materializations['activity@v1'].intervals).toEqual([
      { start: start.toISOString(), end: end.toISOString(), rows: result.rows, completedAt: clock.now.toISOString() },
    ]);
    // The run's checkpoints are gone; the next plan starts at the recorded end.
    const left = await clients.s3.send(new ListObjectsV2Command({ Bucket: names.bucket, Prefix: 'offline/_materialize/' }));
    expect(left.Contents ?? []).toEqual([]);
    expect(await planStep(ctx, { view: 'activity', end: T(10), ...CHUNK })).toMatchObject({ start: end.toISOString(), end: T(10).toISOString() });
  });
});
