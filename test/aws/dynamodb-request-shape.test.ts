import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { MAX_EXPRESSION_BYTES } from '../../shared/online/dynamodb-projection.js';
import { entityKey } from '../../shared/online/entity-key.js';
import { DynamoDBOnlineStore } from '../../shared/online/dynamodb-online-store.js';
import { createStores } from '../../shared/providers/index.js';
import { awsForTests, uniqueName } from '../helpers/aws.js';
import { testDefinitions } from '../helpers/repo.js';
import { strictDynamoDB } from '../helpers/strict-dynamodb.js';

const k = (id: string) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: id });
const at = new Date('2024-01-01T00:00:00Z');

/**
 * An HTTP/1.1 proxy in front of moto that counts the connections clients open. moto's own server
 * closes every connection after one response, so keep-alive can only be observed in front of it.
 */
async function countingProxy(target: string): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await fetch(new URL(req.url!, target), {
      method: req.method!,
      headers: Object.fromEntries(Object.entries(req.headers).filter(([h]) => !['host', 'connection', 'content-length'].includes(h))) as Record<string, string>,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'content-length': body.length });
    res.end(body);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('Class: DynamoDBOnlineStore — request shapes (issue 13 items 2 and 4, against moto made strict)', () => {
  const table = uniqueName('shape');
  const aws = awsForTests();
  // Feature names as users write them, including DynamoDB reserved words (`name`, `size`) and a dot.
  const stored = { name: 'n', size: 3, 'a.b': 1.5, other: 'x'.repeat(500), wide: [1, 2, 3], flag: true };

  beforeAll(async () => {
    await DynamoDBOnlineStore.ensureTable(aws.dynamodb, table);
    const store = new DynamoDBOnlineStore({ client: aws.dynamodb, table });
    for (const view of ['a@v1', 'b@v1']) {
      await store.write(
        view,
        Array.from({ length: 150 }, (_, i) => ({ entityKey: k(`u${i}`), values: { ...stored, i }, eventTs: 1000 + i, createdTs: 0 })),
        at,
      );
    }
  });

  describe('Method: read', () => {
    it('asks DynamoDB only for the requested features (placeholders, never raw names) and returns only those', async () => {
      const client = awsForTests().dynamodb;
      const log = strictDynamoDB(client);
      // The raw responses: what DynamoDB actually sent back.
      const returned: string[][] = [];
      client.middlewareStack.add(
        (next) => async (args) => {
          const result = await next(args);
          for (const items of Object.values((result.output as { Responses?: Record<string, { features?: { M: object } }[]> }).Responses ?? {}))
            for (const item of items) returned.push(Object.keys(item.features?.M ?? {}).sort());
          return result;
        },
        { step: 'initialize', name: 'raw' },
      );
      const store = new DynamoDBOnlineStore({ client, table });
      const keys = Array.from({ length: 150 }, (_, i) => ({ entityKey: k(`u${i}`), view: 'a@v1' }));
      const got = await store.read(keys, { features: new Map([['a@v1', ['name', 'a.b', 'i', 'missing']]]) });

      expect(got.map((r) => r!.values)).toEqual(keys.map((_, i) => ({ name: 'n', 'a.b': 1.5, i })));
      expect(got.map((r) => r!.eventTs)).toEqual(keys.map((_, i) => 1000 + i));
      expect(returned).toHaveLength(150);
      for (const attrs of returned) expect(attrs).toEqual(['a.b', 'i', 'name']);
      // Two calls (100 + 50 keys), each projected; feature names travel only as ExpressionAttributeNames values.
      expect(log.getInputs.map((g) => g.Keys.length).sort()).toEqual([100, 50].sort());
      for (const g of log.getInputs) {
        expect(g.ProjectionExpression).not.toMatch(/name|size|a\.b|missing/);
        expect(Object.values(g.ExpressionAttributeNames!)).toEqual(expect.arrayContaining(['features', 'name', 'a.b', 'i', 'missing']));
      }
    });

    it('keeps each view to its own features when one call mixes views', async () => {
      const store = new DynamoDBOnlineStore({ client: aws.dynamodb, table });
      const keys = [
        { entityKey: k('u1'), view: 'a@v1' },
        { entityKey: k('u1'), view: 'b@v1' },
      ];
      const got = await store.read(keys, {
        features: new Map([
          ['a@v1', ['size']],
          ['b@v1', ['flag', 'wide']],
        ]),
      });
      expect(got.map((r) => r!.values)).toEqual([{ size: 3 }, { flag: true, wide: [1, 2, 3] }]);
    });

    it('reads whole items when a view has no feature list, and the whole features map when the list passes 4 KB', async () => {
      const client = awsForTests().dynamodb;
      const log = strictDynamoDB(client);
      const store = new DynamoDBOnlineStore({ client, table });
      const key = [{ entityKey: k('u2'), view: 'a@v1' }];
      expect((await store.read(key))[0]!.values).toEqual({ ...stored, i: 2 });
      expect(log.getInputs[0].ProjectionExpression).toBeUndefined();
      // 600 requested names: one expression could not hold them (DynamoDB refuses expressions over 4 KB).
      const many = [...Array.from({ length: 600 }, (_, i) => `feature_${i}`), 'size'];
      expect(many.join(', features.').length).toBeGreaterThan(MAX_EXPRESSION_BYTES);
      const [rec] = await store.read(key, { features: new Map([['a@v1', many]]) });
      expect(rec!.values).toEqual({ size: 3 });
      expect(log.getInputs[1].ProjectionExpression!.length).toBeLessThanOrEqual(MAX_EXPRESSION_BYTES);
    });

    it('asks again for UnprocessedKeys until every key is answered', async () => {
      const client = awsForTests().dynamodb;
      // The first three calls hand back 60, all, then 10 of their keys as unprocessed.
      const log = strictDynamoDB(client, { unprocessed: (call, n) => [60, n, 10][call - 1] ?? 0 });
      const store = new DynamoDBOnlineStore({ client, table });
      const keys = Array.from({ length: 100 }, (_, i) => ({ entityKey: k(`u${i}`), view: 'b@v1' }));
      const got = await store.read(keys, { features: new Map([['b@v1', ['i']]]) });
      expect(got.map((r) => r?.values.i)).toEqual(keys.map((_, i) => i));
      expect(log.getInputs.map((g) => g.Keys.length)).toEqual([100, 60, 60, 10]);
      // The retries keep the projection.
      for (const g of log.getInputs) expect(g.ProjectionExpression).toBeDefined();
    });

    it('reuses kept-alive connections: sequential calls share one, parallel ones never open more than maxSockets', async () => {
      const proxy = await countingProxy(process.env.AWS_ENDPOINT_URL!);
      const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
      process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.url;
      try {
        const { dynamodb } = createAwsClients('us-east-1', process.env, { maxSockets: 3 });
        const store = new DynamoDBOnlineStore({ client: dynamodb, table });
        for (let i = 0; i < 20; i++) await store.read([{ entityKey: k(`u${i}`), view: 'a@v1' }]);
        expect(proxy.connections()).toBe(1);
        // 300 keys: 3 BatchGetItem calls (a@v1 ×150, b@v1 ×150 → 100 + 100 + 100) at once, twice.
        const keys = ['a@v1', 'b@v1'].flatMap((view) => Array.from({ length: 150 }, (_, i) => ({ entityKey: k(`u${i}`), view })));
        for (let round = 0; round < 2; round++) expect((await store.read(keys)).every(Boolean)).toBe(true);
        expect(proxy.connections()).toBeLessThanOrEqual(3);
        dynamodb.destroy();
      } finally {
        if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
        else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
        await proxy.close();
      }
    });
  });

  describe('Function: getOnlineFeatures on a DynamoDB online store', () => {
    it('projects a view read in part to the requested features, and reads a view asked for whole unprojected', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'skewless-shape-'));
      try {
        const client = awsForTests().dynamodb;
        const log = strictDynamoDB(client);
        const online = new DynamoDBOnlineStore({ client, table });
        const store = new FeatureStore(parseConfig({ project: 'shape', registryCacheSeconds: 0 }, dir, {}), {
          registryStore: new LocalRegistryStore(join(dir, 'registry.json')),
          online,
          offline: new LocalOfflineStore({ repoDir: dir }),
        });
        await store.apply(testDefinitions().all);
        const now = Date.now();
        await online.write('activity@v1', [{ entityKey: k('p1'), values: { sessions: 4, model: 'm' }, eventTs: now, createdTs: 0 }], new Date(now));
        log.getInputs.length = 0;

        const part = await store.getOnlineFeatures({ features: ['activity:model'], entities: { user_id: ['p1'] } });
        expect(part.results[1].values).toEqual(['m']);
        expect(Object.values(log.getInputs[0].ExpressionAttributeNames ?? {})).toEqual(expect.arrayContaining(['features', 'model']));
        expect(Object.values(log.getInputs[0].ExpressionAttributeNames ?? {})).not.toContain('sessions');

        const whole = await store.getOnlineFeatures({ features: ['activity:sessions', 'activity:model'], entities: { user_id: ['p1'] } });
        expect(whole.results.slice(1).map((r) => r.values[0])).toEqual([4, 'm']);
        expect(log.getInputs[1].ProjectionExpression).toBeUndefined();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('Method: write', () => {
    it('keeps exactly writeConcurrency conditional puts in flight, and sends each key once however often a batch repeats it', async () => {
      const client = awsForTests().dynamodb;
      const log = strictDynamoDB(client);
      const store = new DynamoDBOnlineStore({ client, table, writeConcurrency: 5 });
      // 60 keys, each 4 times in the batch (older versions first and last): only the newest may reach DynamoDB.
      const rows = [0, 3, 1, 2].flatMap((version) =>
        Array.from({ length: 60 }, (_, i) => ({ entityKey: k(`w${i}`), values: { version }, eventTs: 5000 + version, createdTs: 0 })),
      );
      expect(await store.write('w@v1', rows, at)).toEqual({ written: 60, skipped: 180 });
      expect(log.peakInFlight.PutItemCommand).toBe(5);
      const puts = log.writes.filter((w) => w.sk === 'w@v1');
      expect(puts).toHaveLength(60);
      expect(new Set(puts.map((w) => w.pk)).size).toBe(60);
      const got = await store.read(Array.from({ length: 60 }, (_, i) => ({ entityKey: k(`w${i}`), view: 'w@v1' })));
      expect(got.map((r) => r!.values.version)).toEqual(Array(60).fill(3));
    });

    it('takes its concurrency from skewless.json (aws.writeConcurrency), overridden by SKEWLESS_WRITE_CONCURRENCY', async () => {
      const names = { bucket: 'unused-bucket', table };
      const fromFile = parseConfig({ project: 'p', provider: 'aws', aws: { ...names, writeConcurrency: 7 } }, '.', {});
      expect(fromFile.aws!.writeConcurrency).toBe(7);
      expect(parseConfig({ project: 'p', provider: 'aws', aws: names }, '.', {}).aws!.writeConcurrency).toBe(16);
      const fromEnv = parseConfig({ project: 'p', provider: 'aws', aws: { ...names, writeConcurrency: 7 } }, '.', { SKEWLESS_WRITE_CONCURRENCY: '3' });
      expect(fromEnv.aws!.writeConcurrency).toBe(3);
      // A local repo is not made to grow an aws section by the variable.
      expect(parseConfig({ project: 'p' }, '.', { SKEWLESS_WRITE_CONCURRENCY: '3' }).aws).toBeUndefined();
      expect(() => parseConfig({ project: 'p', provider: 'aws', aws: names }, '.', { SKEWLESS_WRITE_CONCURRENCY: 'many' })).toThrow(/aws\.writeConcurrency/);
      expect(() => parseConfig({ project: 'p', provider: 'aws', aws: { ...names, writeConcurrency: 0 } }, '.', {})).toThrow(/aws\.writeConcurrency/);

      // The provider's store honours it.
      const parts = await createStores(fromEnv);
      const client = (parts.online as unknown as { client: import('@aws-sdk/client-dynamodb').DynamoDBClient }).client;
      const log = strictDynamoDB(client);
      const rows = Array.from({ length: 40 }, (_, i) => ({ entityKey: k(`c${i}`), values: { i }, eventTs: 1, createdTs: 0 }));
      expect(await parts.online.write('c@v1', rows, at)).toEqual({ written: 40, skipped: 0 });
      expect(log.peakInFlight.PutItemCommand).toBe(3);
    });
  });
});
