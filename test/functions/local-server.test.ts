import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { FeatureStore } from '../../shared/feature-store.js';
import { startServer } from '../../functions/lib/local-server.js';
import { createOnlineLookupHandler } from '../../functions/online-lookup.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

describe('serve: Feast routes over the Lambda handlers', () => {
  const tmp = tempDir();
  const clock = { now: new Date('2024-03-10T00:00:00Z') };
  let store: FeatureStore;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, [
      { user_id: 'a', event_date: new Date('2024-03-09T00:00:00Z'), created_at: new Date('2024-03-09T00:00:00Z'), sessions: 4, model: 'm' },
    ]);
    store = openTestStore(tmp.dir, clock);
    await store.apply(testDefinitions().all);
    await store.materialize({ start: new Date('2024-03-01T00:00:00Z'), end: clock.now });
    const srv = await startServer({ getStore: async () => store, port: 0, maxBodyBytes: 10_000 });
    base = `http://127.0.0.1:${srv.port}`;
    close = srv.close;
  });
  afterAll(async () => (await close(), await store.close(), tmp.cleanup()));

  const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('POST /get-online-features returns Feast’s column-oriented shape with PRESENT and NOT_FOUND', async () => {
    const res = await post('/get-online-features', { features: ['activity:sessions'], entities: { user_id: ['a', 'nope'] } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      metadata: { feature_names: ['user_id', 'sessions'] },
      results: [
        { values: ['a', 'nope'], statuses: ['PRESENT', 'PRESENT'], event_timestamps: ['1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'] },
        { values: [4, null], statuses: ['PRESENT', 'NOT_FOUND'], event_timestamps: ['2024-03-09T00:00:00.000Z', '1970-01-01T00:00:00.000Z'] },
      ],
    });
  });

  it('gives the same JSON through the Lambda handler with an API Gateway event', async () => {
    const body = JSON.stringify({ feature_service: 'model_a', entities: { user_id: ['a', 'b'] } });
    const viaHttp = await (await post('/get-online-features', body)).text();
    const handler = createOnlineLookupHandler(async () => store);
    const viaLambda = await handler({ httpMethod: 'POST', path: '/get-online-features', headers: {}, queryStringParameters: null, body, isBase64Encoded: false }, {} as never);
    expect(viaLambda.statusCode).toBe(200);
    expect(viaLambda.body).toBe(viaHttp);
  });

  it('answers bad input with structured 4xx JSON, never a 500', async () => {
    const cases: [string, string, unknown, number, RegExp][] = [
      ['POST', '/get-online-features', '{not json', 400, /not valid JSON/],
      ['POST', '/get-online-features', { entities: { user_id: ['a'] } }, 400, /either features or feature_service/],
      ['POST', '/get-online-features', { features: ['activity:zzz'], entities: { user_id: ['a'] } }, 404, /activity@v1:zzz/],
      ['POST', '/get-online-features', { features: ['activity:sessions'], entities: { user: ['a'] } }, 400, /missing join key 'user_id'/],
      ['POST', '/push', { push_source_name: 'realtime_events', df: { user_id: ['a'], event_timestamp: ['bad'] } }, 400, /row 0, field 'event_timestamp'/],
      ['POST', '/push', { push_source_name: 'realtime_events', df: {}, to: 'sideways' }, 400, /to/],
      ['GET', '/get-online-features', undefined, 405, /use POST/],
      ['GET', '/nope', undefined, 404, /route '\/nope' not found/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res = await fetch(`${base}${path}`, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }) });
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(json.error.message).toMatch(message);
    }
  });

  it('refuses bodies over the size limit with 413', async () => {
    const res = await post('/push', { push_source_name: 'realtime_events', df: { user_id: Array(5000).fill('x') } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('serves /health, /freshness, /push and /materialize-incremental', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const pushed = await post('/push', { push_source_name: 'realtime_events', df: { user_id: ['z'], event_timestamp: ['2024-03-09T23:58:00Z'], messages: [3], minutes_ago: [null] } });
    expect(pushed.status).toBe(200);
    const fresh = (await (await fetch(`${base}/freshness`)).json()) as { views: { view: string; status: string }[]; stale: number };
    expect(fresh.views.map((v) => [v.view, v.status])).toEqual([['activity', 'fresh'], ['realtime', 'fresh']]);
    const mat = await post('/materialize-incremental', { end_ts: '2024-03-10T00:00:00Z' });
    expect(mat.status).toBe(200);
  });
});
