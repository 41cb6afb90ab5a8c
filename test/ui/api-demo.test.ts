import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureStore } from '../../shared/feature-store.js';
import { startUiServer } from '../../ui/server/server.js';
import { tempDir } from '../helpers/tmp.js';
import { runDemo } from './browser-fixture.js';

// The routes the two-view API test cannot reach, on the demo repo: entities, an on-demand view over
// an aggregation view, and the aggregation view's detail, statistics and preview.
const DEMO_NOW = '2026-11-01T12:00:00.000Z';

describe('skewless ui: the JSON API on the demo repo', () => {
  const tmp = tempDir();
  const repo = join(tmp.dir, 'feature_repo');
  let store: FeatureStore;
  let base: string;
  let close: () => Promise<void>;
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    runDemo(repo, DEMO_NOW);
    store = await FeatureStore.open(repo, { now: () => new Date(DEMO_NOW) });
    const server = await startUiServer({ store, port: 0, log: () => undefined });
    base = server.url;
    close = server.close;
  }, 120_000);
  afterAll(async () => {
    await close?.();
    await store?.close();
    tmp.cleanup();
  });

  it('GET /api/entities lists the entity specs', async () => {
    const r = await get('/api/entities');
    expect(r.status).toBe(200);
    expect(r.body).toEqual([expect.objectContaining({ name: 'user_id', joinKeys: ['user_id'], valueType: 'String' })]);
  });

  it('GET /api/on-demand-views/:name: inputs, output schema, code hash, drift and consumers', async () => {
    const list = await get('/api/on-demand-views');
    expect(list.body.map((o: { name: string }) => o.name)).toEqual(['user_engagement']);
    const r = await get('/api/on-demand-views/user_engagement');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'user_engagement', consumers: ['churn_model'] });
    expect(r.body.codeHash).toMatch(/^[0-9a-f]{8,}$/);
    // This store never loaded the definitions' code (`skewless ui` does: the browser test sees 'in_sync').
    expect([r.body.drift, r.body.loadedCodeHash]).toEqual(['not_loaded', null]);
    expect(r.body.inputs.map((i: { kind: string; name: string }) => `${i.kind}:${i.name}`)).toContain('view:user_activity');
    expect(r.body.features.map((f: { name: string; dtype: string }) => `${f.name}:${f.dtype}`)).toEqual([
      'tokens_per_message_7d:Float64',
      'realtime_token_share:Float64',
      'is_power_user:Bool',
    ]);
  });

  it('the aggregation view: its aggregations in the detail, statistics of its events and a preview, never a 500', async () => {
    const detail = await get('/api/feature-views/user_activity');
    expect(detail.status).toBe(200);
    const agg = detail.body.versionDetails[0].aggregation;
    expect(agg.aggregations.map((a: { name: string }) => a.name)).toEqual(detail.body.schema.map((f: { name: string }) => f.name));
    const stats = await get('/api/feature-views/user_activity/statistics');
    expect(stats.status).toBe(200);
    expect(stats.body.of).toBe('events');
    expect(stats.body.features.map((f: { name: string }) => f.name)).toEqual(agg.eventSchema.map((c: { name: string }) => c.name));
    const preview = await get('/api/feature-views/user_activity/preview?n=5');
    expect(preview.status).toBe(200);
    expect(preview.body.rows).toHaveLength(5);
    for (const r of preview.body.rows) expect(Object.keys(r.values)).toEqual(agg.aggregations.map((a: { name: string }) => a.name));
  });
});
