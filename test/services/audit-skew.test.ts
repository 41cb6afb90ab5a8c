import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Field, Float64, OnDemandFeatureView } from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const day = (d: number, h = 0) => new Date(Date.UTC(2024, 2, d, h));
const users = Array.from({ length: 40 }, (_, i) => `u${i}`);

const perSession = (k: number) =>
  new OnDemandFeatureView({
    name: 'scaled',
    sources: [testDefinitions().activity.select('sessions')],
    schema: [new Field({ name: 'sessions_x', dtype: Float64 })],
    transform:
      k === 2
        ? (c) => ({ sessions_x: c.sessions.map((s) => (s === null ? null : (s as number) * 2)) })
        : (c) => ({ sessions_x: c.sessions.map((s) => (s === null ? null : (s as number) * 3)) }),
  });

describe('audit-skew', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: day(10) };
  const defs = testDefinitions();
  const rows = (bump = 0) =>
    users.flatMap((u, i) => [
      { user_id: u, event_date: day(8), created_at: day(8), sessions: i + bump, model: `m${i % 3}` },
      { user_id: u, event_date: day(9), created_at: day(9), sessions: i * 2 + bump, model: `m${(i + 1) % 3}` },
    ]);

  beforeEach(async () => {
    tmp = tempDir();
    await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, rows());
    store = openTestStore(tmp.dir, clock);
    await store.apply([...defs.all, perSession(2)]);
    await store.materialize({ start: day(1), end: day(10) });
    const events = users.map((u, i) => ({
      user_id: u,
      event_timestamp: new Date(day(9, 23).getTime() + i * 1000).toISOString(),
      messages: i,
      minutes_ago: i / 3,
    }));
    await store.push({ pushSourceName: 'realtime_events', rows: events, to: 'online_and_offline' });
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  it('reports zero mismatches on a consistent repo, on-demand features included', async () => {
    const report = await store.auditSkew({ featureService: 'model_a', sample: 100 });
    const viewsAudited = new Set(report.features.map((f) => f.view));
    expect(viewsAudited).toEqual(new Set(['activity@v1', 'realtime@v1']));
    expect(report.features.every((f) => f.compared === 40)).toBe(true);
    expect(report.worstRate).toBe(0);
    const od = await store.auditSkew({ views: ['scaled'], sample: 100 });
    expect(od.features).toMatchObject([{ view: 'scaled', feature: 'sessions_x', compared: 40, mismatches: 0 }]);
  });

  it('catches a push sent online only: offline has nothing at that time', async () => {
    await store.push({
      pushSourceName: 'realtime_events',
      rows: [{ user_id: 'u1', event_timestamp: '2024-03-09T23:30:00Z', messages: 99, minutes_ago: null }],
      to: 'online',
    });
    const report = await store.auditSkew({ views: ['realtime'], sample: 100 });
    const messages = report.features.find((f) => f.feature === 'messages')!;
    expect(messages).toMatchObject({ compared: 40, mismatches: 1, missingOffline: 0 });
    expect(messages.examples[0]).toMatchObject({ entity: { user_id: 'u1' }, online: 99, offline: 1 });
    // A key that was never pushed offline at all is missing offline.
    await store.push({
      pushSourceName: 'realtime_events',
      rows: [{ user_id: 'ghost', event_timestamp: '2024-03-09T23:59:00Z', messages: 5, minutes_ago: null }],
      to: 'online',
    });
    const again = (await store.auditSkew({ views: ['realtime'], sample: 100 })).features.find((f) => f.feature === 'messages')!;
    expect(again).toMatchObject({ compared: 41, missingOffline: 1 });
  });

  it('catches a source rewritten after materialization', async () => {
    await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, rows(1));
    const report = await store.auditSkew({ views: ['activity'], sample: 100 });
    expect(report.features.find((f) => f.feature === 'sessions')).toMatchObject({ compared: 40, mismatches: 40, mismatchRate: 1 });
    expect(report.features.find((f) => f.feature === 'model')).toMatchObject({ mismatches: 0 });
  });

  it('catches an on-demand function changed between training (apply) and serving', async () => {
    store.useDefinitions([perSession(3)]);
    const report = await store.auditSkew({ views: ['scaled'], sample: 100 });
    expect(report.drift).toEqual([{ view: 'scaled', applied: perSession(2).codeHash, loaded: perSession(3).codeHash }]);
    expect(report.features[0]).toMatchObject({ compared: 40, mismatchRate: 1 });
  });

  it('samples reproducibly: the same seed gives the same sample, and n caps it', async () => {
    const a = await store.context.online.sample('activity@v1', 5, 7);
    const b = await store.context.online.sample('activity@v1', 5, 7);
    expect(a.map((x) => x.entityKey)).toEqual(b.map((x) => x.entityKey));
    expect(a).toHaveLength(5);
    expect((await store.auditSkew({ views: ['activity'], sample: 5 })).features[0].compared).toBe(5);
  });
});
