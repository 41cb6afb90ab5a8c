import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureStore } from '../../shared/feature-store.js';
import { startServer } from '../../functions/dev-server/dev-server.js';
import { createOnlineLookupHandler } from '../../functions/http-online-lookup-handler.js';
import { servedTestRepo } from '../helpers/served-repo.js';

describe('serve: Feast routes over the Lambda handlers', () => {
  let store: FeatureStore;
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => ({ store, base, close } = await servedTestRepo({ maxBodyBytes: 10_000 })));
  afterAll(() => close());

  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

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

  it('answers concurrent lookups of different sizes each with its own bytes (response buffers are pooled)', async () => {
    const bodies = Array.from({ length: 24 }, (_, i) => ({
      features: ['activity:sessions', 'activity:model'],
      entities: { user_id: Array.from({ length: 1 + ((i * 37) % 300) }, (_, j) => (j % 3 ? `u${i}-${j}` : 'a')) },
    }));
    const expected = await Promise.all(bodies.map(async (b) => JSON.stringify(await store.getOnlineFeatures(b))));
    for (let round = 0; round < 3; round++) {
      const got = await Promise.all(bodies.map(async (b) => (await post('/get-online-features', b)).text()));
      expect(got).toEqual(expected);
    }
  });

  it('gives the same JSON through the Lambda handler with an API Gateway event', async () => {
    const body = JSON.stringify({ feature_service: 'model_a', entities: { user_id: ['a', 'b'] } });
    const viaHttp = await (await post('/get-online-features', body)).text();
    const handler = createOnlineLookupHandler(async () => store);
    const viaLambda = await handler(
      { httpMethod: 'POST', path: '/get-online-features', headers: {}, queryStringParameters: null, body, isBase64Encoded: false },
      {} as never,
    );
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
      const res = await fetch(`${base}${path}`, {
        method,
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
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
    const pushed = await post('/push', {
      push_source_name: 'realtime_events',
      df: { user_id: ['z'], event_timestamp: ['2024-03-09T23:58:00Z'], messages: [3], minutes_ago: [null] },
    });
    expect(pushed.status).toBe(200);
    const fresh = (await (await fetch(`${base}/freshness`)).json()) as { views: { view: string; status: string }[]; stale: number };
    expect(fresh.views.map((v) => [v.view, v.status])).toEqual([
      ['activity', 'fresh'],
      ['realtime', 'fresh'],
    ]);
    const mat = await post('/materialize-incremental', { end_ts: '2024-03-10T00:00:00Z' });
    expect(mat.status).toBe(200);
  });

  describe('cross-site requests, DNS rebinding, tokens (issue 11 item 11)', () => {
    const pushBody = JSON.stringify({
      push_source_name: 'realtime_events',
      df: { user_id: ['evil'], event_timestamp: ['2024-03-09T23:58:00Z'], messages: [666], minutes_ago: [null] },
    });
    const evilGone = async () => (await store.getOnlineFeatures({ features: ['realtime:messages'], entities: { user_id: ['evil'] } })).results[1].statuses;

    it('refuses what a web page can send cross-site: a text/plain or form POST, and any foreign Origin; nothing is written', async () => {
      const attempts: [Record<string, string>, number, string][] = [
        [{ 'content-type': 'text/plain;charset=UTF-8', origin: 'http://evil.example' }, 403, 'ORIGIN_NOT_ALLOWED'],
        [{ 'content-type': 'text/plain;charset=UTF-8' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
        [{ 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
        [{ 'content-type': 'multipart/form-data; boundary=x' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
        [{ 'content-type': 'application/json', origin: 'http://evil.example' }, 403, 'ORIGIN_NOT_ALLOWED'],
        [{ 'content-type': 'application/json', origin: 'null' }, 403, 'ORIGIN_NOT_ALLOWED'],
      ];
      for (const [headers, status, code] of attempts) {
        const res = await fetch(`${base}/push`, { method: 'POST', headers, body: pushBody });
        expect({ headers, status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code }).toEqual({ headers, status, code });
      }
      expect(await evilGone()).toEqual(['NOT_FOUND']);
    });

    it('refuses a Host that is not the bound address (DNS rebinding)', async () => {
      const port = new URL(base).port;
      const status = (host: string) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest(
            { host: '127.0.0.1', port, path: '/health', method: 'GET', headers: { host } },
            (res) => (res.resume(), resolve(res.statusCode!)),
          );
          req.on('error', reject);
          req.end();
        });
      expect(await status(`rebind.evil.example:${port}`)).toBe(403);
      expect(await status(`127.0.0.1:${port}`)).toBe(200);
      expect(await status(`localhost:${port}`)).toBe(200);
    });

    it('allows configured origins (with CORS headers) and requires the token when one is set', async () => {
      const srv = await startServer({ getStore: async () => store, port: 0, allowedOrigins: ['http://localhost:3000'], token: 's3cret' });
      const url = `http://127.0.0.1:${srv.port}`;
      try {
        const body = JSON.stringify({ features: ['activity:sessions'], entities: { user_id: ['a'] } });
        const headers = { 'content-type': 'application/json', origin: 'http://localhost:3000' };
        expect((await fetch(`${url}/get-online-features`, { method: 'POST', headers, body })).status).toBe(401);
        expect((await fetch(`${url}/get-online-features`, { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong' }, body })).status).toBe(401);
        const ok = await fetch(`${url}/get-online-features`, { method: 'POST', headers: { ...headers, authorization: 'Bearer s3cret' }, body });
        expect(ok.status).toBe(200);
        expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
        expect((await fetch(`${url}/health`)).status).toBe(200);
      } finally {
        await srv.close();
      }
    });
  });

  it('lets a client still uploading an oversized body read the 413 (bounded drain), and stays up', async () => {
    // 3 MB against a 10 kB limit, written in chunks while the server answers.
    const port = Number(new URL(base).port);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const result = await new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/push',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': String(chunk.length * 48) },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
          res.on('error', (e) => resolve({ error: e.message }));
        },
      );
      req.on('error', (e) => resolve({ error: `${(e as NodeJS.ErrnoException).code}: ${e.message}` }));
      let sent = 0;
      const write = () => {
        while (sent < 48) {
          sent++;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body!).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
