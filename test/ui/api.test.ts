import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureStore } from '../../shared/feature-store.js';
import { FeatureView, Field, FileSource, Float64, Int64, String as Str, Entity } from '../../shared/definitions/index.js';
import { buildUi } from '../../ui/build.js';
import { startUiServer } from '../../ui/server/server.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const T = (s: string) => new Date(`2024-03-${s}Z`);

describe('skewless ui: the JSON API, route by route', () => {
  const tmp = tempDir();
  const clock = { now: T('10T12:00:00') };
  let store: FeatureStore;
  let base: string;
  let close: () => Promise<void>;
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    await writeParquet(join(tmp.dir, 'data/activity/part-1.parquet'), ACTIVITY_COLUMNS, [
      { user_id: 'a', event_date: T('08T00:00:00'), created_at: T('08T01:00:00'), sessions: 1, model: 'm1' },
      { user_id: 'a', event_date: T('09T00:00:00'), created_at: T('09T01:00:00'), sessions: 3, model: 'm3' },
      { user_id: 'b', event_date: T('09T06:00:00'), created_at: T('09T06:00:00'), sessions: 8, model: 'm3' },
      { user_id: 'c', event_date: T('09T00:00:00'), created_at: T('09T00:00:00'), sessions: null, model: null },
    ]);
    store = openTestStore(tmp.dir, clock);
    const defs = testDefinitions();
    await store.apply(defs.all);
    // A second, breaking version of `activity` (a field removed, one added), registered inactive.
    const user = new Entity({ name: 'user_id', valueType: Str });
    const v2 = new FeatureView({
      name: 'activity',
      version: 2,
      entities: [user],
      ttl: { days: 7 },
      schema: [new Field({ name: 'sessions', dtype: Int64 }), new Field({ name: 'score', dtype: Float64 })],
      source: new FileSource({ name: 'activity_src', path: 'data/activity', timestampField: 'event_date', createdTimestampColumn: 'created_at' }),
      tags: { freshness_sla: 'daily' },
    });
    await store.apply([...defs.all, v2]);
    await store.materialize({ start: T('01T00:00:00'), end: T('10T00:00:00'), views: ['activity'] });
    await store.push({
      pushSourceName: 'realtime_events',
      rows: [{ user_id: 'a', messages: 4, minutes_ago: 1.5, event_timestamp: T('10T11:59:00') }],
      to: 'online_and_offline',
    });
    await store.context.registryStore.update((cur) => {
      const next = structuredClone(cur!);
      next.datasets = {
        churn_2024: {
          name: 'churn_2024',
          s3Uri: 's3://b/datasets/churn/',
          rowCount: 1234,
          schema: [{ name: 'user_id', type: 'string' }],
          features: ['activity:sessions', 'activity:model', 'realtime:messages'],
          createdAt: T('10T00:00:00').toISOString(),
        },
      };
      return { next, result: undefined };
    });
    const outdir = join(tmp.dir, 'dist');
    await buildUi(outdir);
    const server = await startUiServer({ store, port: 0, assetsDir: outdir, log: () => undefined });
    base = server.url;
    close = server.close;
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
    tmp.cleanup();
  });

  it('GET /api/health and /api/summary: counts and a freshness board, each check recorded', async () => {
    expect((await get('/api/health')).body).toEqual({ status: 'ok', now: clock.now.toISOString() });
    const s = await get('/api/summary');
    expect(s.status).toBe(200);
    expect(s.type).toMatch(/application\/json/);
    expect(s.body.counts).toEqual({ entities: 1, dataSources: 3, featureViews: 2, featureViewVersions: 3, onDemandViews: 0, featureServices: 1, datasets: 1 });
    const board = Object.fromEntries(
      s.body.freshness.map((f: { view: string; version: number; status: string; ageSeconds: number }) => [`${f.view}@v${f.version}`, [f.status, f.ageSeconds]]),
    );
    // activity's watermark is 03-09 06:00, 30 h before now (daily SLA: 26 h); v2 was never written; realtime's is 1 min old.
    expect(board).toEqual({ 'activity@v1': ['stale', 108_000], 'activity@v2': ['stale', null], 'realtime@v1': ['fresh', 60] });
    const hist = await get('/api/feature-views/realtime/freshness');
    expect(hist.body.current).toMatchObject({ status: 'fresh', ageSeconds: 60, slaSeconds: 300 });
    // The summary's check; this one, a moment later, is not recorded (at most one a minute).
    expect(hist.body.history).toHaveLength(1);
    expect(hist.body.history[0]).toEqual({ at: clock.now.toISOString(), ageSeconds: 60, slaSeconds: 300, status: 'fresh' });
  });

  it('GET /api/feature-views searches by name, tag and owner', async () => {
    const names = async (q: string) => (await get(`/api/feature-views${q}`)).body.map((v: { name: string }) => v.name);
    expect(await names('')).toEqual(['activity', 'realtime']);
    expect(await names('?q=REAL')).toEqual(['realtime']);
    expect(await names('?q=freshness_sla=realtime')).toEqual(['realtime']);
    expect(await names('?q=daily')).toEqual(['activity']);
    expect(await names('?q=nothing-like-this')).toEqual([]);
    const [activity] = (await get('/api/feature-views')).body;
    expect(activity).toMatchObject({
      name: 'activity',
      version: 1,
      versions: [
        { version: 1, status: 'active' },
        { version: 2, status: 'inactive' },
      ],
      features: 2,
      ttlSeconds: 604_800,
    });
  });

  it('GET /api/feature-views/:name: schema, source, versions with consumers, and the diff plan computes', async () => {
    const v = (await get('/api/feature-views/activity')).body;
    expect(v.schema.map((f: { name: string; dtype: string }) => `${f.name}:${f.dtype}`)).toEqual(['sessions:Int64', 'model:String']);
    expect(v.sourceDetail).toMatchObject({ name: 'activity_src', kind: 'FileSource', path: 'data/activity', timestampField: 'event_date' });
    expect(v.versionDetails.map((x: { version: number; status: string; consumers: string[] }) => [x.version, x.status, x.consumers])).toEqual([
      [1, 'active', ['model_a']],
      [2, 'inactive', []],
    ]);
    expect(v.diffs).toHaveLength(1);
    expect(v.diffs[0]).toMatchObject({ from: 1, to: 2, breaking: true });
    const d = (await get('/api/feature-views/activity/diff?from=1&to=2')).body;
    expect(d.changes.map((c: { path: string; breaking: boolean; reason: string }) => [c.path, c.breaking])).toEqual([
      ['features.model', true],
      ['features.score', false],
      ['version', false],
    ]);
    expect(d.changes[0].reason).toBe("removes field 'model' that consumers read");
    expect((await get('/api/feature-views/activity/diff?from=1&to=1')).body).toMatchObject({ breaking: false, changes: [] });
  });

  it('GET …/statistics, …/preview and …/snippets of a view version', async () => {
    const s = (await get(`/api/feature-views/activity/statistics?start=${T('01T00:00:00').toISOString()}&end=${T('10T00:00:00').toISOString()}`)).body;
    expect(s).toMatchObject({ view: 'activity@v1', rowCount: 4, engine: 'duckdb' });
    expect(s.features[0]).toMatchObject({ name: 'sessions', count: 3, nulls: 1, min: 1, max: 8, mean: 4 });
    expect(s.features[1]).toMatchObject({
      name: 'model',
      count: 3,
      top: [
        { value: 'm3', count: 2 },
        { value: 'm1', count: 1 },
      ],
    });
    const p = (await get('/api/feature-views/activity/preview?n=5')).body;
    expect(p.view).toBe('activity@v1');
    expect(p.rows.map((r: { entity: { user_id: string } }) => r.entity.user_id).sort()).toEqual(['a', 'b', 'c']);
    expect(p.rows.find((r: { entity: { user_id: string } }) => r.entity.user_id === 'a')).toMatchObject({
      eventTimestamp: '2024-03-09T00:00:00.000Z',
      values: { sessions: 3, model: 'm3' },
    });
    const snip = (await get('/api/feature-views/realtime/snippets')).body;
    expect(snip.curl).toContain('"features":["realtime:messages","realtime:minutes_ago"],"entities":{"user_id":["a"]}');
    expect(snip.typescript).toContain("FeatureStore.open('.')");
    expect(snip.cli).toContain("-f 'realtime:messages,realtime:minutes_ago'");
  });

  it('GET /api/feature-services(/:name), /api/sources/:name, /api/datasets(/:name), /api/on-demand-views and /api/lineage', async () => {
    const services = (await get('/api/feature-services')).body;
    expect(services.map((s: { name: string }) => s.name)).toEqual(['model_a']);
    const svc = (await get('/api/feature-services/model_a')).body;
    expect(svc.features).toEqual(['activity@v1:sessions', 'activity@v1:model', 'realtime@v1:messages']);
    expect(svc.datasets).toEqual(['churn_2024']);
    expect((await get('/api/sources/activity_src')).body).toMatchObject({ kind: 'FileSource', views: ['activity@v1', 'activity@v2'] });
    expect((await get('/api/datasets')).body).toEqual([expect.objectContaining({ name: 'churn_2024', rowCount: 1234, services: ['model_a'] })]);
    expect((await get('/api/datasets/churn_2024')).body.s3Uri).toBe('s3://b/datasets/churn/');
    expect((await get('/api/on-demand-views')).body).toEqual([]);
    const g = (await get('/api/lineage')).body;
    expect(g.nodes.map((n: { id: string }) => n.id)).toEqual([
      'source:activity_src',
      'source:realtime_events',
      'source:realtime_files',
      'view:activity@v1',
      'view:activity@v2',
      'view:realtime@v1',
      'service:model_a',
      'dataset:churn_2024',
    ]);
    expect(g.edges).toEqual(
      expect.arrayContaining([
        { from: 'source:realtime_files', to: 'source:realtime_events' },
        { from: 'source:activity_src', to: 'view:activity@v2' },
        { from: 'view:activity@v1', to: 'service:model_a' },
        { from: 'view:realtime@v1', to: 'service:model_a' },
        { from: 'service:model_a', to: 'dataset:churn_2024' },
      ]),
    );
    expect(g.edges).toHaveLength(7);
  });

  it('POST /api/audits runs a skew audit and keeps it; GET /api/audits lists the history, newest first', async () => {
    expect((await get('/api/audits')).body).toEqual([]);
    const r = await post('/api/audits', { featureService: 'model_a', sample: 50 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ target: { kind: 'service', name: 'model_a' }, sample: 50, at: clock.now.toISOString() });
    expect(
      r.body.report.features.map((f: { view: string; feature: string; compared: number; mismatchRate: number }) => [
        f.view,
        f.feature,
        f.compared,
        f.mismatchRate,
      ]),
    ).toEqual([
      ['activity@v1', 'sessions', 3, 0],
      ['activity@v1', 'model', 3, 0],
      ['realtime@v1', 'messages', 1, 0],
    ]);
    expect((await post('/api/audits', { view: 'activity', sample: 2 })).body).toMatchObject({ target: { kind: 'view', name: 'activity' } });
    const h = (await get('/api/audits')).body;
    expect(h.map((a: { target: { name: string }; sample: number }) => [a.target.name, a.sample])).toEqual([
      ['activity', 2],
      ['model_a', 50],
    ]);
  });

  it('bad input is a 4xx naming the field; unknown objects and routes are JSON 404s; nothing is a 500', async () => {
    const cases: [string, number, RegExp][] = [
      ['/api/nope', 404, /API route '\/api\/nope' not found/],
      ['/api/feature-views/nope', 404, /feature view 'nope' not found/],
      ['/api/feature-views/activity/statistics?version=9', 404, /activity@v9' not found: versions: v1, v2/],
      ['/api/feature-views/activity/statistics?start=yesterday', 400, /'start': expected an ISO 8601 instant/],
      ['/api/feature-views/activity/statistics?start=2024-03-09T00:00:00Z&end=2024-03-01T00:00:00Z', 400, /start < end/],
      ['/api/feature-views/activity/statistics?bins=0', 400, /'bins'/],
      ['/api/feature-views/activity/preview?n=100000', 400, /'n'/],
      ['/api/feature-views/activity/diff?from=1', 400, /'to'/],
      ['/api/feature-views/%E0%A4%A', 400, /invalid URL encoding in 'name'/],
      ['/api/feature-services/constructor', 404, /feature service 'constructor' not found/],
      ['/api/datasets/__proto__', 404, /dataset '__proto__' not found/],
      ['/api/on-demand-views/nope', 404, /on demand feature view 'nope' not found/],
      ['/api/sources/nope', 404, /data source 'nope' not found/],
    ];
    for (const [path, status, message] of cases) {
      const r = await get(path);
      expect([path, r.status]).toEqual([path, status]);
      expect(r.body.error.message).toMatch(message);
    }
    const bad: [unknown, number, RegExp][] = [
      [{ sample: 10 }, 400, /exactly one of featureService, view/],
      [{ featureService: 'model_a', view: 'activity', sample: 10 }, 400, /exactly one/],
      [{ featureService: 'model_a', sample: 0 }, 400, /'sample'/],
      [{ featureService: 'model_a', sample: 10, extra: 1 }, 400, /extra/],
      [{ featureService: 'nope', sample: 10 }, 404, /feature service 'nope' not found/],
      ['{not json', 400, /not valid JSON/],
    ];
    for (const [body, status, message] of bad) {
      const r = await post('/api/audits', body);
      expect([body, r.status]).toEqual([body, status]);
      expect(r.body.error.message).toMatch(message);
    }
    expect((await post('/api/summary', {})).status).toBe(405);
    expect((await post('/api/audits', { featureService: 'model_a', sample: 1 }, { origin: 'http://evil.example' })).status).toBe(403);
    const text = await fetch(`${base}/api/audits`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(text.status).toBe(415);
    // Nothing of the refused requests was recorded.
    expect((await get('/api/audits')).body).toHaveLength(2);
  });

  it('serves the built app for every page path (404 status for a path that is no page), with its assets and a strict CSP', async () => {
    for (const path of ['/', '/feature-views', '/feature-views/activity', '/lineage', '/skew', '/datasets/churn_2024']) {
      const res = await fetch(`${base}${path}`);
      expect([path, res.status]).toEqual([path, 200]);
      expect(await res.text()).toContain('<script type="module" src="/assets/app.js">');
    }
    const missing = await fetch(`${base}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/text\/html/);
    const js = await fetch(`${base}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('content-security-policy')).toContain("script-src 'self'");
    // Built from npm packages: no CDN, no remote import.
    expect(await js.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z]/);
    // DNS rebinding: another name resolving to this address is refused (fetch cannot set Host).
    const { port } = new URL(base);
    const rebound = await new Promise<number>((resolve, reject) =>
      request(
        { host: '127.0.0.1', port, path: '/api/summary', headers: { host: `attacker.example:${port}` } },
        (res) => (res.resume(), resolve(res.statusCode!)),
      )
        .on('error', reject)
        .end(),
    );
    expect(rebound).toBe(403);
  });
});
