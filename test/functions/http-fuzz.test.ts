import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../functions/dev-server/dev-server.js';
import { createRouter } from '../../functions/dev-server/router.js';
import type { ApiEvent } from '../../functions/lib/types.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

/**
 * Issue 11's fuzz findings as one table: every malformed request gets a 4xx whose error names the
 * field (or row and field), never a 5xx — through `serve` (HTTP) and through the handlers the
 * Lambdas export (API Gateway events), which must answer alike.
 */
const NOW = new Date('2024-03-10T12:00:00Z');
const good = { user_id: ['u1'], event_timestamp: ['2024-03-10T11:00:00Z'], messages: [1], minutes_ago: [0.5] };
const push = (df: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ push_source_name: 'realtime_events', df: { ...good, ...df }, ...extra });
const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;

type Case = [name: string, path: string, body: string | object, status: number, names: RegExp];
const cases: Case[] = [
  // push: shape
  ['push body is an array', '/push', '[]', 400, /\(body\)|push_source_name/],
  ['push body is a string', '/push', '"x"', 400, /\(body\)|push_source_name/],
  ['push body is null', '/push', 'null', 400, /\(body\)|push_source_name/],
  ['push without df', '/push', { push_source_name: 'realtime_events' }, 400, /df/],
  ['push df is an array', '/push', { push_source_name: 'realtime_events', df: [1] }, 400, /df/],
  ['push df column not an array', '/push', { push_source_name: 'realtime_events', df: { user_id: 'u1' } }, 400, /user_id/],
  ['push df empty', '/push', { push_source_name: 'realtime_events', df: {} }, 400, /df/],
  ['push zero rows', '/push', { push_source_name: 'realtime_events', df: { user_id: [], event_timestamp: [], messages: [], minutes_ago: [] } }, 400, /df/],
  [
    'push too many rows',
    '/push',
    push({
      user_id: Array(21).fill('u'),
      event_timestamp: Array(21).fill('2024-03-10T11:00:00Z'),
      messages: Array(21).fill(1),
      minutes_ago: Array(21).fill(1),
    }),
    413,
    /df\.user_id/,
  ],
  ['push ragged df', '/push', push({ messages: [1, 2] }), 400, /messages/],
  ['push source name a number', '/push', { ...push({}), push_source_name: 5 }, 400, /push_source_name/],
  ['push to sideways', '/push', push({}, { to: 'sideways' }), 400, /\bto\b/],
  ['push source constructor', '/push', { ...push({}), push_source_name: 'constructor' }, 404, /constructor/],
  ['push source __proto__', '/push', { ...push({}), push_source_name: '__proto__' }, 404, /__proto__/],
  ['push source toString', '/push', { ...push({}), push_source_name: 'toString' }, 404, /toString/],
  ['push source hasOwnProperty', '/push', { ...push({}), push_source_name: 'hasOwnProperty' }, 404, /hasOwnProperty/],
  // push: columns
  ['push unknown column', '/push', push({ typo: [1] }), 400, /typo/],
  ['push __proto__ column', '/push', `{"push_source_name":"realtime_events","df":${JSON.stringify(good).slice(0, -1)},"__proto__":[1]}}`, 400, /__proto__/],
  ['push constructor column', '/push', push({ constructor: [1] }), 400, /constructor/],
  [
    'push missing feature column',
    '/push',
    { push_source_name: 'realtime_events', df: { user_id: ['u1'], event_timestamp: ['2024-03-10T11:00:00Z'], messages: [1] } },
    400,
    /minutes_ago/,
  ],
  [
    'push missing join key',
    '/push',
    { push_source_name: 'realtime_events', df: { event_timestamp: ['2024-03-10T11:00:00Z'], messages: [1], minutes_ago: [1] } },
    400,
    /user_id/,
  ],
  ['push null join key', '/push', push({ user_id: [null] }), 400, /user_id/],
  ['push object join key', '/push', push({ user_id: [{ a: 1 }] }), 400, /user_id/],
  ['push boolean join key', '/push', push({ user_id: [true] }), 400, /user_id/],
  // push: values
  ['push Int64 not a number', '/push', push({ messages: ['many'] }), 400, /messages/],
  ['push Int64 overflow string', '/push', push({ messages: ['99999999999999999999'] }), 400, /messages/],
  [
    'push Int64 past 2^53 as a JSON number',
    '/push',
    '{"push_source_name":"realtime_events","df":{"user_id":["u1"],"event_timestamp":["2024-03-10T11:00:00Z"],"messages":[12345678901234567890],"minutes_ago":[1]}}',
    400,
    /messages/,
  ],
  ['push Int64 fraction', '/push', push({ messages: [1.5] }), 400, /messages/],
  ['push Int64 boolean', '/push', push({ messages: [true] }), 400, /messages/],
  ['push Int64 object', '/push', push({ messages: [{}] }), 400, /messages/],
  ['push Float32 overflow', '/push', push({ minutes_ago: [1e39] }), 400, /minutes_ago/],
  ['push Float32 NaN text', '/push', push({ minutes_ago: ['NaN'] }), 400, /minutes_ago/],
  ['push Float32 Infinity text', '/push', push({ minutes_ago: ['Infinity'] }), 400, /minutes_ago/],
  [
    'push 10,000-level nested value',
    '/push',
    `{"push_source_name":"realtime_events","df":{"user_id":["u1"],"event_timestamp":["2024-03-10T11:00:00Z"],"messages":[${deep}],"minutes_ago":[1]}}`,
    400,
    /messages/,
  ],
  [
    'push 10,000-level nested timestamp',
    '/push',
    `{"push_source_name":"realtime_events","df":{"user_id":["u1"],"event_timestamp":[${deep}],"messages":[1],"minutes_ago":[1]}}`,
    400,
    /event_timestamp/,
  ],
  ['push 2 MB string value', '/push', push({ messages: ['9'.repeat(2_000_000)] }), 400, /messages/],
  // push: timestamps
  ['push far-future event', '/push', push({ event_timestamp: ['9999-12-31T00:00:00Z'] }), 400, /event_timestamp/],
  ['push far-future epoch', '/push', push({ event_timestamp: [99999999999] }), 400, /event_timestamp/],
  [
    'push epoch beyond 2^64',
    '/push',
    '{"push_source_name":"realtime_events","df":{"user_id":["u1"],"event_timestamp":[18446744073709551616],"messages":[1],"minutes_ago":[1]},"to":"offline"}',
    400,
    /event_timestamp/,
  ],
  ['push negative epoch', '/push', push({ event_timestamp: [-1e20] }), 400, /event_timestamp/],
  ['push Feb 30', '/push', push({ event_timestamp: ['2026-02-30T00:00:00Z'] }), 400, /event_timestamp/],
  ['push T24:00', '/push', push({ event_timestamp: ['2024-03-09T24:00:00Z'] }), 400, /event_timestamp/],
  ['push minute 60', '/push', push({ event_timestamp: ['2024-03-09T10:60:00Z'] }), 400, /event_timestamp/],
  ['push month 13', '/push', push({ event_timestamp: ['2024-13-01T00:00:00Z'] }), 400, /event_timestamp/],
  ['push no zone', '/push', push({ event_timestamp: ['2024-03-10T11:00:00'] }), 400, /event_timestamp/],
  ['push zone +25:00', '/push', push({ event_timestamp: ['2024-03-10T11:00:00+25:00'] }), 400, /event_timestamp/],
  ['push boolean timestamp', '/push', push({ event_timestamp: [true] }), 400, /event_timestamp/],
  ['push null timestamp', '/push', push({ event_timestamp: [null] }), 400, /event_timestamp/],
  // lookup
  ['lookup body is an array', '/get-online-features', '[]', 400, /\(body\)|entities/],
  ['lookup neither features nor service', '/get-online-features', { entities: { user_id: ['a'] } }, 400, /features/],
  [
    'lookup both features and service',
    '/get-online-features',
    { features: ['activity:sessions'], feature_service: 'model_a', entities: { user_id: ['a'] } },
    400,
    /features/,
  ],
  ['lookup features not an array', '/get-online-features', { features: 'activity:sessions', entities: { user_id: ['a'] } }, 400, /features/],
  ['lookup feature not a string', '/get-online-features', { features: [5], entities: { user_id: ['a'] } }, 400, /features/],
  ['lookup malformed reference', '/get-online-features', { features: ['activity'], entities: { user_id: ['a'] } }, 400, /features/],
  ['lookup service toString', '/get-online-features', { feature_service: 'toString', entities: { user_id: ['a'] } }, 404, /toString/],
  ['lookup service __proto__', '/get-online-features', { feature_service: '__proto__', entities: { user_id: ['a'] } }, 404, /__proto__/],
  ['lookup view constructor', '/get-online-features', { features: ['constructor:x'], entities: { user_id: ['a'] } }, 404, /constructor/],
  ['lookup feature hasOwnProperty', '/get-online-features', { features: ['activity:hasOwnProperty'], entities: { user_id: ['a'] } }, 404, /hasOwnProperty/],
  ['lookup view valueOf@v1', '/get-online-features', { features: ['valueOf@v1:x'], entities: { user_id: ['a'] } }, 404, /valueOf/],
  ['lookup entities missing', '/get-online-features', { features: ['activity:sessions'] }, 400, /entities/],
  ['lookup entities an array', '/get-online-features', { features: ['activity:sessions'], entities: [['a']] }, 400, /entities/],
  ['lookup entities empty', '/get-online-features', { features: ['activity:sessions'], entities: {} }, 400, /entities/],
  ['lookup join key missing', '/get-online-features', { features: ['activity:sessions'], entities: { uid: ['a'] } }, 400, /user_id/],
  [
    'lookup join key from the prototype',
    '/get-online-features',
    { features: ['activity:sessions'], entities: { constructor: ['a'] } },
    400,
    /user_id|constructor/,
  ],
  [
    'lookup __proto__ entity column',
    '/get-online-features',
    '{"features":["activity:sessions"],"entities":{"user_id":["a"],"__proto__":["b"]}}',
    400,
    /__proto__/,
  ],
  [
    'lookup ragged entities',
    '/get-online-features',
    { features: ['activity:sessions', 'realtime:messages'], entities: { user_id: ['a', 'b'], extra: ['x'] } },
    400,
    /extra|user_id/,
  ],
  ['lookup object entity value', '/get-online-features', { features: ['activity:sessions'], entities: { user_id: [{ a: 1 }] } }, 400, /user_id/],
  ['lookup deep entity value', '/get-online-features', `{"features":["activity:sessions"],"entities":{"user_id":[${deep}]}}`, 400, /user_id/],
  [
    'lookup full_feature_names not boolean',
    '/get-online-features',
    { features: ['activity:sessions'], entities: { user_id: ['a'] }, full_feature_names: 'yes' },
    400,
    /full_feature_names/,
  ],
  [
    'lookup too many entities',
    '/get-online-features',
    { features: ['activity:sessions'], entities: { user_id: Array.from({ length: 51 }, (_, i) => `u${i}`) } },
    413,
    /entities\.user_id/,
  ],
  // materialize
  ['materialize without start', '/materialize', { end_ts: '2024-03-10T00:00:00Z' }, 400, /start_ts/],
  ['materialize Feb 30', '/materialize', { start_ts: '2024-02-30T00:00:00Z', end_ts: '2024-03-10T00:00:00Z' }, 400, /start_ts/],
  ['materialize far-future end', '/materialize', { start_ts: '2024-03-01T00:00:00Z', end_ts: '9999-12-31T00:00:00Z' }, 400, /end_ts/],
  ['materialize start after end', '/materialize', { start_ts: '2024-03-10T00:00:00Z', end_ts: '2024-03-01T00:00:00Z' }, 400, /start/],
  [
    'materialize views not an array',
    '/materialize',
    { start_ts: '2024-03-01T00:00:00Z', end_ts: '2024-03-10T00:00:00Z', feature_views: 'activity' },
    400,
    /feature_views/,
  ],
  [
    'materialize view constructor',
    '/materialize',
    { start_ts: '2024-03-01T00:00:00Z', end_ts: '2024-03-10T00:00:00Z', feature_views: ['constructor'] },
    400,
    /feature_views|constructor/,
  ],
  ['materialize-incremental far-future end', '/materialize-incremental', { end_ts: '9999-12-31T00:00:00Z' }, 400, /end_ts/],
  ['materialize-incremental epoch far future', '/materialize-incremental', { end_ts: 99999999999 }, 400, /end_ts/],
  ['materialize-incremental no zone', '/materialize-incremental', { end_ts: '2024-03-10T00:00:00' }, 400, /end_ts/],
  // transport
  ['invalid JSON', '/push', '{not json', 400, /\(body\)|JSON/],
  ['JSON route with text/plain', '/push', { __contentType: 'text/plain' }, 415, /content-type/],
  ['JSON route with a form', '/get-online-features', { __contentType: 'application/x-www-form-urlencoded' }, 415, /content-type/],
];

describe('fuzz table: malformed requests get a 4xx naming the field, never a 5xx', () => {
  const tmp = tempDir();
  const clock = { now: NOW };
  let store: FeatureStore;
  let base: string;
  let close: () => Promise<void>;
  let route: ReturnType<typeof createRouter>;

  beforeAll(async () => {
    await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, [
      { user_id: 'a', event_date: new Date('2024-03-09T00:00:00Z'), created_at: new Date('2024-03-09T00:00:00Z'), sessions: 4, model: 'm' },
    ]);
    const config = parseConfig({ project: 'fuzz', registryCacheSeconds: 0, limits: { maxEntitiesPerLookup: 50, maxRowsPerPush: 20 } }, tmp.dir, {});
    store = new FeatureStore(
      config,
      {
        registryStore: new LocalRegistryStore(join(tmp.dir, '.skewless/registry.json')),
        online: new SqliteOnlineStore(join(tmp.dir, '.skewless/online.sqlite')),
        offline: new LocalOfflineStore({ repoDir: tmp.dir }),
      },
      { now: () => clock.now },
    );
    await store.apply(testDefinitions().all);
    const srv = await startServer({ getStore: async () => store, port: 0, maxBodyBytes: 4 * 1024 * 1024 });
    base = `http://127.0.0.1:${srv.port}`;
    close = srv.close;
    route = createRouter(async () => store, { maxBytes: 4 * 1024 * 1024 });
  });
  afterAll(async () => (await close(), await store.close(), tmp.cleanup()));

  const request = (body: Case[2]) => {
    const ct = typeof body === 'object' && '__contentType' in body ? String(body.__contentType) : 'application/json';
    const text = typeof body === 'string' ? body : '__contentType' in body ? 'x=1' : JSON.stringify(body);
    return { ct, text };
  };

  it.each(cases)('%s: POST %s → %i, via serve and via the Lambda handlers', async (_name, path, body, status, names) => {
    const { ct, text } = request(body);
    const http = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': ct }, body: text });
    const httpBody = (await http.json()) as { error: { code: string; message: string; details?: unknown } };
    const event: ApiEvent = {
      httpMethod: 'POST',
      path,
      headers: { 'Content-Type': ct },
      queryStringParameters: null,
      body: text,
      isBase64Encoded: false,
      requestContext: { requestId: 'fuzz' },
    };
    const lambda = await route(event);
    const lambdaBody = JSON.parse(lambda.body) as typeof httpBody;
    for (const [res, b] of [
      [http.status, httpBody],
      [lambda.statusCode, lambdaBody],
    ] as const) {
      expect(res).toBe(status);
      expect(b.error.code).not.toBe('INTERNAL');
      expect(`${b.error.message} ${JSON.stringify(b.error.details ?? '')}`).toMatch(names);
      expect(b.error.message.length).toBeLessThan(2000);
    }
    expect(lambdaBody).toEqual(httpBody);
  });

  it('wrote nothing for any of them', async () => {
    const out = await store.getOnlineFeatures({ features: ['realtime:messages'], entities: { user_id: ['u1'] } });
    expect(out.results[1].statuses).toEqual(['NOT_FOUND']);
    expect((await store.registryDump())!.materializations).toEqual({});
  });
});
