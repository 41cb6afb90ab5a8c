import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, OnDemandFeatureView, PushSource, String as Str } from '../../shared/definitions/index.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFileSync, mkdirSync } from 'node:fs';

const user = new Entity({ name: 'user_id', valueType: Str });
const usage = new FeatureView({
  name: 'usage',
  entities: [user],
  source: new PushSource({ name: 'usage_events', batchSource: new FileSource({ name: 'usage_files', path: 'data/usage', timestampField: 'ts' }) }),
  eventSchema: [new Field({ name: 'tokens', dtype: Int64 }), new Field({ name: 'model', dtype: Str })],
  aggregations: [
    { column: 'tokens', function: 'sum', window: '1d' },
    { function: 'count', window: '7d', name: 'events_7d' },
    { column: 'model', function: 'last_n', n: 2, window: '7d' },
    { column: 'model', function: 'count_distinct', window: '7d' },
  ],
});

// An on-demand view over the aggregation view: audited by a lookup at the store's clock.
const perEvent = new OnDemandFeatureView({
  name: 'tokens_per_event',
  sources: [usage.select('tokens_sum_1d', 'events_7d')],
  schema: [new Field({ name: 'tokens_per_event', dtype: Float64 })],
  transform: (c) => ({
    tokens_per_event: c.tokens_sum_1d.map((t, i) => (typeof t === 'number' && c.events_7d[i] ? t / Number(c.events_7d[i]) : null)),
  }),
});

describe('audit-skew on an aggregation view fed by pushes', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: new Date('2024-03-20T12:00:00Z') };
  beforeEach(async () => {
    tmp = tempDir();
    mkdirSync(join(tmp.dir, 'data/usage'), { recursive: true });
    writeFileSync(join(tmp.dir, 'skewless.json'), JSON.stringify({ project: 'e2e', registryCacheSeconds: 0 }));
    store = await FeatureStore.open(tmp.dir, { now: () => clock.now });
    await store.apply([user, usage, perEvent]);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));
  it('finds online (tiles) equal to the offline recomputation after pushes and a re-delivery', async () => {
    const rows = [];
    for (let i = 0; i < 200; i++)
      rows.push({
        user_id: `u${i % 13}`,
        ts: new Date(Date.parse('2024-03-12T00:00:00Z') + i * 3_600_000).toISOString(),
        tokens: i % 7 === 0 ? null : i,
        model: `m${i % 4}`,
      });
    await store.push({ pushSourceName: 'usage_events', rows, to: 'online_and_offline' });
    await store.push({ pushSourceName: 'usage_events', rows: rows.slice(0, 50), to: 'online_and_offline' });
    const report = await store.auditSkew({ views: ['usage', 'tokens_per_event'], sample: 100 });
    expect(report.features.map((f) => [f.feature, f.compared])).toEqual(
      ['tokens_sum_1d', 'events_7d', 'model_last_2_7d', 'model_count_distinct_7d', 'tokens_per_event'].map((f) => [f, 13]),
    );
    expect(report.worstRate).toBe(0);
  });

  it('reports the skew of an event that reached the tiles but not the offline store', async () => {
    const rows = [];
    for (let i = 0; i < 60; i++)
      rows.push({ user_id: `u${i % 5}`, ts: new Date(Date.parse('2024-03-19T00:00:00Z') + i * 600_000).toISOString(), tokens: i, model: 'm1' });
    await store.push({ pushSourceName: 'usage_events', rows, to: 'online_and_offline' });
    await store.push({ pushSourceName: 'usage_events', rows: [{ user_id: 'u0', ts: '2024-03-20T11:00:00Z', tokens: 1000, model: 'm9' }], to: 'online' });
    const report = await store.auditSkew({ views: ['usage', 'tokens_per_event'], sample: 100 });
    // Every aggregation of u0 saw the online-only event; the other four users match.
    expect(report.features.map((f) => [f.feature, f.compared, f.mismatches, f.examples[0]?.entity])).toEqual(
      ['tokens_sum_1d', 'events_7d', 'model_last_2_7d', 'model_count_distinct_7d', 'tokens_per_event'].map((f) => [f, 5, 1, { user_id: 'u0' }]),
    );
    expect(report.worstRate).toBeGreaterThan(0);
  });
});
