import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { SkewlessRetryStrategy } from '../../shared/aws/retry-policy.js';
import { parseConfig } from '../../shared/config/config.js';
import { ServiceUnavailableError, errorBody } from '../../shared/errors.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { DynamoDBOnlineStore } from '../../shared/online/dynamodb-online-store.js';
import { entityKey } from '../../shared/online/entity-key.js';
import { createStores } from '../../shared/providers/index.js';
import type { StoreParts } from '../../shared/providers/types.js';
import { seededRandom } from '../../shared/util/random.js';
import { awsForTests, uniqueName } from '../helpers/aws.js';
import { testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

const NOW = new Date('2024-03-10T12:00:00Z');
const k = (id: string) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: id });

/** An SDK error as the DynamoDB client raises it, injected below the retry middleware (each attempt sees it). */
function sdkError(name: string, fault: 'client' | 'server', status: number) {
  return Object.assign(new Error(`${name} (injected)`), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

/** Fails the attempts `fail(call, attempt)` picks for one command; counts calls (first attempts) and attempts. */
function injectFaults(client: DynamoDBClient, command: string, fail: (call: number, attempt: number) => Error | undefined) {
  const seen = { calls: 0, attempts: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command) return next(args);
      const header = String((args.request as { headers?: Record<string, string> }).headers?.['amz-sdk-request'] ?? 'attempt=1');
      const attempt = Number(/attempt=(\d+)/.exec(header)?.[1] ?? 1);
      if (attempt === 1) seen.calls++;
      seen.attempts++;
      const err = fail(seen.calls, attempt);
      if (err) throw err;
      return next(args);
    },
    { step: 'finalizeRequest', name: `faults-${command}-${Math.random()}`, priority: 'low' },
  );
  return seen;
}

describe('AWS under faults (against moto, faults injected through the SDK middleware stack)', () => {
  describe('item 8: a push that fails part-way', () => {
    const tmp = tempDir();
    const clock = { now: NOW };
    const names = { bucket: uniqueName('faults'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    let store: FeatureStore;
    let parts: StoreParts;
    let client: DynamoDBClient;

    beforeAll(async () => {
      await ensureAwsResources(createAwsClients('us-east-1'), names);
      const config = parseConfig({ project: 'faults', provider: 'aws', registryCacheSeconds: 0, aws: names }, tmp.dir, {});
      parts = await createStores(config);
      client = (parts.online as unknown as { client: DynamoDBClient }).client;
      store = new FeatureStore(config, parts, { now: () => clock.now });
      await store.apply(testDefinitions().all);
    });
    afterAll(() => tmp.cleanup());

    const rows = Array.from({ length: 500 }, (_, i) => ({ user_id: `p${i}`, event_timestamp: '2024-03-10T11:00:00Z', messages: i, minutes_ago: 1 }));
    const offlineObjects = async () =>
      ((await createAwsClients('us-east-1').s3.send(new ListObjectsV2Command({ Bucket: names.bucket, Prefix: 'offline/realtime/' }))).Contents ?? []).length;
    const onlineCount = async () =>
      (await store.getOnlineFeatures({ features: ['realtime:messages'], entities: { user_id: rows.map((r) => r.user_id) } })).results[1].statuses.filter(
        (s) => s === 'PRESENT',
      ).length;

    it('stops its workers, writes offline first, and reports a retryable 503 saying what was written; a retry converges', async () => {
      let failed = false;
      let afterFailure = 0;
      // One non-retryable error on the 5th PutItem.
      const seen = injectFaults(client, 'PutItemCommand', (call) => {
        if (failed) afterFailure++;
        if (call === 5 && !failed) return ((failed = true), sdkError('ValidationException', 'client', 400));
        return undefined;
      });
      const err = await store.push({ pushSourceName: 'realtime_events', rows, to: 'online_and_offline' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      const { status, headers, body } = errorBody(err);
      expect(status).toBe(503);
      expect(headers).toEqual({ 'retry-after': '1' });
      expect(body.error.code).toBe('PUSH_INCOMPLETE');
      const online = (body.error.details as { online: { view: string; status: string; written: number; unwritten: number }[] }).online;
      expect(online).toEqual([{ view: 'realtime@v1', status: 'partial', written: expect.any(Number), unwritten: expect.any(Number) }]);
      expect(online[0].written + online[0].unwritten).toBe(500);
      // Workers stopped: at most the puts already in flight (16 workers) ran after the error.
      expect(afterFailure).toBeLessThanOrEqual(16);
      expect(seen.calls).toBeLessThan(40);
      expect(await onlineCount()).toBe(online[0].written);
      // Offline holds every row (written before any online write): online is never ahead of offline.
      expect(await offlineObjects()).toBe(1);
      // The client retries the same request: online converges.
      const retried = await store.push({ pushSourceName: 'realtime_events', rows, to: 'online' });
      expect(retried.online[0].written + retried.online[0].skipped).toBe(500);
      expect(await onlineCount()).toBe(500);
    });
  });

  describe('item 9: request timeouts on every client', () => {
    let blackhole: Server;
    const sockets: Socket[] = [];
    let url: string;
    beforeAll(async () => {
      // Accepts connections and never answers.
      blackhole = createServer((s) => void sockets.push(s));
      await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(blackhole.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => blackhole.close(r));
    });

    it('gives up on an endpoint that never answers, after the retries, within the invocation budget', async () => {
      const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
      // The SDK resolves the endpoint from the environment on the first call.
      process.env.AWS_ENDPOINT_URL_DYNAMODB = url;
      let err: { name: string; $metadata: { attempts: number } };
      try {
        const clients = createAwsClients('us-east-1', process.env, { budgetMs: 4000 });
        err = (await clients.dynamodb.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' }, sk: { S: 'b' } } })).then(
          () => undefined,
          (e: unknown) => e,
        )) as typeof err;
      } finally {
        if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
        else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      }
      expect(err?.name).toMatch(/Timeout/);
      expect(err.$metadata.attempts).toBe(4);
      expect(errorBody(err).status).toBe(503);
    }, 20_000);
  });

  describe('item 10: retries at 50 % faults', () => {
    it('retries every call on its own budget: no shared quota runs dry, so no call gives up after one attempt', async () => {
      const client = awsForTests().dynamodb;
      const table = uniqueName('retry');
      await DynamoDBOnlineStore.ensureTable(client, table);
      const rand = seededRandom(7);
      // Half of all attempts fail with a retryable 500, except that no call fails all four of its attempts.
      const seen = injectFaults(client, 'PutItemCommand', (_call, attempt) =>
        attempt < 4 && rand() < 0.5 ? sdkError('InternalServerError', 'server', 500) : undefined,
      );
      const store = new DynamoDBOnlineStore({ client, table });
      const rows = Array.from({ length: 600 }, (_, i) => ({ entityKey: k(`r${i}`), values: { i }, eventTs: 1, createdTs: 0 }));
      expect(await store.write('r@v1', rows, NOW)).toEqual({ written: 600, skipped: 0 });
      expect(seen.calls).toBe(600);
      expect(seen.attempts / seen.calls).toBeGreaterThan(1.5);
    });

    it('never retries client errors, retries throttling and 5xx up to maxAttempts', async () => {
      const strategy = new SkewlessRetryStrategy({ maxAttempts: 3, random: () => 0.5 });
      const first = await strategy.acquireInitialRetryToken();
      await expect(
        strategy.refreshRetryTokenForRetry(first, { errorType: 'CLIENT_ERROR', error: sdkError('ValidationException', 'client', 400) as never }),
      ).rejects.toThrow(/ValidationException/);
      const second = await strategy.refreshRetryTokenForRetry(first, { errorType: 'THROTTLING' });
      expect([second.getRetryCount(), second.getRetryDelay()]).toEqual([1, 250]);
      const third = await strategy.refreshRetryTokenForRetry(second, { errorType: 'SERVER_ERROR' });
      expect([third.getRetryCount(), third.getRetryDelay()]).toEqual([2, 100]);
      await expect(strategy.refreshRetryTokenForRetry(third, { errorType: 'TRANSIENT' })).rejects.toThrow();
    });
  });
});
