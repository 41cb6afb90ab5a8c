import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Context, KinesisStreamEvent, MSKEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as repo from '../../examples/feature_repo/definitions.js';
import { createStreamPushHandler } from '../../functions/stream-push-handler.js';
import { resetQuarantine } from '../../functions/stream-quarantine.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { DynamoDBOnlineStore } from '../../shared/online/dynamodb-online-store.js';
import { createStores } from '../../shared/providers/index.js';
import { freshDeployment } from './deployed-env.js';

const context = {} as Context;
const NOW = new Date('2026-11-01T12:00:00Z');
const body = (id: string, messages: unknown) => ({
  push_source_name: 'user_realtime_events',
  to: 'online',
  df: {
    user_id: [id],
    event_timestamp: ['2026-11-01T11:58:00Z'],
    current_session_messages: [messages],
    current_session_tokens: [null],
    last_active_minutes_ago: [null],
  },
});
const b64 = (s: string) => Buffer.from(s).toString('base64');
const kinesis = (payloads: string[]): KinesisStreamEvent => ({
  Records: payloads.map((p, i) => ({
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:4959${i}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::1:role/r',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/push',
    kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'p', sequenceNumber: `4959${i}`, data: b64(p), approximateArrivalTimestamp: NOW.getTime() / 1000 },
  })),
});
const msk = (payloads: string[]): MSKEvent =>
  ({
    eventSource: 'aws:kafka',
    eventSourceArn: 'arn:aws:kafka:us-east-1:123456789012:cluster/c/1',
    bootstrapServers: 'b:9092',
    records: {
      'events-0': payloads.map((p, i) => ({
        topic: 'events',
        partition: 0,
        offset: 10 + i,
        timestamp: NOW.getTime(),
        timestampType: 'CREATE_TIME',
        key: '',
        value: b64(p),
        headers: [],
      })),
    },
  }) as MSKEvent;

describe('Function: stream push (Kinesis / MSK) against moto', () => {
  let deployment: Awaited<ReturnType<typeof freshDeployment>>;
  let store: FeatureStore;
  let throttled: FeatureStore;
  const s3 = createAwsClients('us-east-1').s3;

  const quarantined = async () => {
    const list = await s3.send(new ListObjectsV2Command({ Bucket: deployment.names.bucket, Prefix: 'quarantine/' }));
    return Promise.all(
      (list.Contents ?? []).map(async (o) => ({
        key: o.Key!,
        ...JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: deployment.names.bucket, Key: o.Key! }))).Body!.transformToString()),
      })),
    );
  };
  const online = async (ids: string[]) =>
    (await store.getOnlineFeatures({ features: ['user_realtime:current_session_messages'], entities: { user_id: ids } })).results[1].values;

  beforeAll(async () => {
    deployment = await freshDeployment();
    const config = parseConfig({ project: 'skewless_demo', provider: 'aws', aws: deployment.names }, '/tmp', {});
    store = new FeatureStore(config, await createStores(config), { now: () => NOW });
    await store.apply(Object.values(repo));
    // The same store, but DynamoDB answers every write with throttling (as the SDK sees it after its retries).
    const client = createAwsClients('us-east-1').dynamodb;
    client.middlewareStack.add(
      (next, ctx) => async (args) => {
        if (/PutItem|UpdateItem|BatchWriteItem|TransactWriteItems/.test(ctx.commandName ?? ''))
          throw new ProvisionedThroughputExceededException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: { httpStatusCode: 400 } });
        return next(args);
      },
      { step: 'initialize', name: 'throttle-writes' },
    );
    throttled = new FeatureStore(
      config,
      { ...(await createStores(config)), online: new DynamoDBOnlineStore({ client, table: deployment.names.table }) },
      { now: () => NOW },
    );
  });
  beforeEach(() => resetQuarantine());
  afterAll(() => deployment.restore());

  it('Kinesis: quarantines invalid payloads with their reason, reports nothing for them, writes the valid ones', async () => {
    const payloads = [JSON.stringify(body('k1', 1)), '{not json', JSON.stringify(body('k2', 'bad')), JSON.stringify(body('k3', 3))];
    const out = await createStreamPushHandler(async () => store)(kinesis(payloads), context);
    expect(out).toEqual({ batchItemFailures: [] });
    expect(await online(['k1', 'k2', 'k3'])).toEqual([1, null, 3]);
    const q = (await quarantined()).filter((x) => x.source === 'kinesis').sort((a, b) => a.key.localeCompare(b.key));
    expect(q.map((x) => x.key)).toEqual([
      'quarantine/kinesis/dt=2026-11-01/push-shardId-000000000000-49591.json',
      'quarantine/kinesis/dt=2026-11-01/push-shardId-000000000000-49592.json',
    ]);
    expect(q[0]).toMatchObject({ payload: '{not json', payloadBase64: b64('{not json'), reason: expect.stringMatching(/JSON/) });
    expect(q[1].reason).toMatch(/current_session_messages/);
  });

  it('Kinesis: reports only retryable failures (throttled writes), by sequence number, and quarantines nothing for them', async () => {
    const payloads = [JSON.stringify(body('t1', 1)), '[]', JSON.stringify(body('t2', 2))];
    const out = await createStreamPushHandler(async () => throttled)(kinesis(payloads), context);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: '49590' }, { itemIdentifier: '49592' }] });
    // The invalid one in between is quarantined (same position as a record of the first case: overwritten, not duplicated).
    expect((await quarantined()).filter((x) => x.payload === '[]').map((x) => x.position)).toEqual(['push/shardId-000000000000/49591']);
  });

  it('MSK: invalid records are quarantined; retryable ones are reported as { topic-partition, offset }', async () => {
    const ok = await createStreamPushHandler(async () => store)(msk([JSON.stringify(body('m1', 11)), JSON.stringify({ not: 'a push' })]), context);
    expect(ok).toEqual({ batchItemFailures: [] });
    expect((await quarantined()).filter((x) => x.source === 'kafka').map((x) => x.position)).toEqual(['events-0@11']);
    const retry = await createStreamPushHandler(async () => throttled)(msk([JSON.stringify(body('m2', 12))]), context);
    expect(retry).toEqual({ batchItemFailures: [{ itemIdentifier: { 'topic-partition': 'events-0', offset: 10 } }] });
  });

  it('reports a record whose quarantine write fails instead of dropping it', async () => {
    const out = await createStreamPushHandler(async () => store, {
      quarantine: async () => {
        throw new Error('S3 unavailable');
      },
    })(kinesis(['nope']), context);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: '49590' }] });
  });
});
