import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import * as repo from '../../examples/feature_repo/definitions.js';
import { resetLambdaStore } from '../../functions/lib/lambda-store.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { toParquet } from '../../shared/offline/parquet/write-parquet.js';
import { createStores } from '../../shared/providers/index.js';
import { uniqueName, clearLambdaEnv } from '../helpers/aws.js';
import { tempDir } from '../helpers/tmp.js';
import { lambdaContext } from '../helpers/lambda-context.js';

const context = lambdaContext({ name: 'materialize', memoryMb: 2048, remainingMs: 900_000 });
// Lambdas use the wall clock: the data is placed relative to it.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000);
const ago = (h: number) => new Date(NOW.getTime() - h * 3600_000);
const COLUMNS = [
  { name: 'user_id', dtype: 'String' as const },
  { name: 'sessions_7d', dtype: 'Int64' as const },
  { name: 'avg_session_duration_sec', dtype: 'Float32' as const },
  { name: 'messages_sent_7d', dtype: 'Int64' as const },
  { name: 'tools_used_7d', dtype: 'Int64' as const },
  { name: 'preferred_model', dtype: 'String' as const },
  { name: 'total_tokens_7d', dtype: 'Int64' as const },
  { name: 'event_date', dtype: 'Timestamp' as const },
  { name: 'created_at', dtype: 'Timestamp' as const },
];

describe('Lambda: materialize, fan-out steps with the events the state machine sends (against moto)', () => {
  const tmp = tempDir();
  const names = { bucket: uniqueName('mwf'), table: uniqueName('online'), glueDatabase: uniqueName('mwf').replace(/-/g, '_') };
  const clients = createAwsClients('us-east-1');
  let handler: (e: unknown, c: Context) => Promise<any>;
  let admin: FeatureStore;
  // Materialization chunks are reduced by Athena.
  const athena = new AthenaDouble(clients.s3, clients.glue);

  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
    Object.assign(process.env, {
      SKEWLESS_PROJECT: 'mwf',
      SKEWLESS_BUCKET: names.bucket,
      SKEWLESS_TABLE: names.table,
      SKEWLESS_GLUE_DATABASE: names.glueDatabase,
      SKEWLESS_REGISTRY_CACHE_SECONDS: '0',
      POWERTOOLS_METRICS_NAMESPACE: 'SkewlessTest',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    await ensureAwsResources(clients, names);
    const config = parseConfig({ project: 'mwf', provider: 'aws', aws: names }, tmp.dir, {});
    admin = new FeatureStore(config, await createStores(config));
    await admin.apply(Object.values(repo));
    // 5 objects of 4 users each (one chunk each with a 1-byte chunk target).
    for (let f = 0; f < 5; f++) {
      const rows = Array.from({ length: 4 }, (_, i) => ({
        user_id: `u${f * 4 + i}`,
        sessions_7d: f * 10 + i,
        avg_session_duration_sec: 1.5,
        messages_sent_7d: 1,
        tools_used_7d: 0,
        preferred_model: 'm',
        total_tokens_7d: 7,
        event_date: ago(10 + f),
        created_at: ago(10 + f),
      }));
      const day = ago(10 + f)
        .toISOString()
        .slice(0, 10);
      await clients.s3.send(
        new PutObjectCommand({ Bucket: names.bucket, Key: `offline/user_activity_daily/v1/dt=${day}/part-${f}.parquet`, Body: toParquet(COLUMNS, rows) }),
      );
    }
    resetLambdaStore();
    handler = (await import('../../functions/lambda/materialize.js')).handler as never;
  }, 120_000);
  afterAll(async () => {
    await athena.stop();
    clearLambdaEnv();
    tmp.cleanup();
  });

  it('plan → one invocation per Map item (twice for one: a retried item) → finish; then the next plan starts at the recorded end', async () => {
    // The schedule's event, as the input transformer renders it.
    const plan = await handler({ action: 'plan', view: 'user_activity_daily@v1', time: NOW.toISOString(), chunkBytes: 1 }, context);
    expect(plan).toMatchObject({ upToDate: false, view: 'user_activity_daily@v1', end: NOW.toISOString(), chunks: 5 });
    const items = JSON.parse(
      await (await clients.s3.send(new GetObjectCommand({ Bucket: plan.items.bucket, Key: plan.items.key }))).Body!.transformToString(),
    ) as { chunk: number }[];
    // The Map's ItemSelector: { action: 'chunk', runId: $.plan.result.runId, chunk: $$.Map.Item.Value.chunk }.
    const results = [];
    for (const it of items) results.push(await handler({ action: 'chunk', runId: plan.runId, chunk: it.chunk }, context));
    expect(results.map((r) => r.alreadyDone)).toEqual([false, false, false, false, false]);
    expect(await handler({ action: 'chunk', runId: plan.runId, chunk: 2 }, context)).toMatchObject({ chunk: 2, alreadyDone: true });

    const done = await handler({ action: 'finish', runId: plan.runId }, context);
    expect(done).toMatchObject({ view: 'user_activity_daily@v1', rows: 20, written: 20 });
    const online = await admin.getOnlineFeatures({ features: ['user_activity_daily:sessions_7d'], entities: { user_id: ['u0', 'u7', 'u19'] } });
    expect(online.results[1].values).toEqual([0, 13, 43]);
    const next = await handler({ action: 'plan', view: 'user_activity_daily@v1', time: new Date(NOW.getTime() + 60_000).toISOString() }, context);
    // (How many objects its dt partitions hold depends on the time of day; the window is what matters.)
    expect(next).toMatchObject({ upToDate: false, start: NOW.toISOString(), end: new Date(NOW.getTime() + 60_000).toISOString() });
    await expect(handler({ action: 'chunk', runId: 'x', chunk: -1 }, context)).rejects.toThrow(/invalid materialize event: chunk/);
  });

  it('compact: the daily schedule input merges pushed parts', async () => {
    for (let p = 0; p < 8; p++)
      await admin.push({
        pushSourceName: 'user_realtime_events',
        to: 'offline',
        df: {
          user_id: [`r${p}`],
          event_timestamp: [ago(1).toISOString()],
          current_session_messages: [p],
          current_session_tokens: [null],
          last_active_minutes_ago: [null],
        },
      });
    const r = await handler({ action: 'compact' }, context);
    expect(r.compacted.find((c: { view: string }) => c.view.startsWith('user_realtime'))).toMatchObject({
      partitions: 1,
      filesBefore: 8,
      filesAfter: 1,
      rows: 8,
    });
  });

  it('a no-op apply does not rewrite the registry object (same ETag)', async () => {
    const head = () => clients.s3.send(new HeadObjectCommand({ Bucket: names.bucket, Key: 'registry/registry.json' }));
    const before = (await head()).ETag;
    expect((await admin.apply(Object.values(repo))).changes).toEqual([]);
    expect((await head()).ETag).toBe(before);
  });
});
