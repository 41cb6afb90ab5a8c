import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Int64, String as Str } from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { auditSkew } from '../../shared/services/audit.js';
import type { OnlineReader } from '../../shared/services/audit-aggregations.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { writeParquet } from '../helpers/write-parquet.js';

const NOW = Date.UTC(2024, 2, 20, 12);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface Event {
  user_id: string;
  ts: number;
  tokens: number | null;
  model: string;
}

const user = new Entity({ name: 'user_id', valueType: Str });
const usage = new FeatureView({
  name: 'usage',
  entities: [user],
  source: new FileSource({ name: 'usage_events', path: 'data/usage', timestampField: 'ts' }),
  eventSchema: [new Field({ name: 'tokens', dtype: Int64 }), new Field({ name: 'model', dtype: Str })],
  aggregations: [
    { column: 'tokens', function: 'sum', window: '1d' },
    { function: 'count', window: '7d', name: 'events_7d' },
    { column: 'tokens', function: 'max', window: '7d' },
    { column: 'model', function: 'last', window: '1d' },
  ],
});

/** What a correct online lookup at `t` answers (docs/aggregations.md), computed apart from any SQL. */
function served(events: readonly Event[], userId: string, t: number): Record<string, unknown> {
  const within = (w: number) => events.filter((e) => e.user_id === userId && e.ts <= t && e.ts > t - w);
  const day = within(DAY);
  const week = within(7 * DAY);
  const tokensDay = day.filter((e) => e.tokens !== null).map((e) => e.tokens!);
  const tokensWeek = week.filter((e) => e.tokens !== null).map((e) => e.tokens!);
  const latest = [...day].sort((a, b) => b.ts - a.ts || (b.model > a.model ? 1 : -1))[0];
  return {
    tokens_sum_1d: tokensDay.reduce((s, x) => s + x, 0),
    events_7d: week.length,
    tokens_max_7d: tokensWeek.length ? Math.max(...tokensWeek) : null,
    model_last_1d: latest?.model ?? null,
  };
}

/** An online reader answering from `served`, except where `corrupt` changes a value (a double-counted event). */
function reader(events: readonly Event[], corrupt: (userId: string, values: Record<string, unknown>) => void = () => {}): OnlineReader {
  return async (ctx, req) => {
    const names = req.features!.map((f) => f.split(':')[1]);
    const users = req.entities.user_id as string[];
    const rows = users.map((u) => {
      const v = served(events, u, ctx.now().getTime());
      corrupt(u, v);
      return v;
    });
    const ts = users.map(() => new Date(ctx.now()).toISOString());
    return {
      metadata: { feature_names: ['user_id', ...names] },
      results: [
        { values: users, statuses: users.map(() => 'PRESENT' as const), event_timestamps: ts },
        ...names.map((n) => ({ values: rows.map((r) => r[n]), statuses: rows.map(() => 'PRESENT' as const), event_timestamps: ts })),
      ],
    };
  };
}

describe('audit-skew on aggregation views', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: new Date(NOW) };
  const rand = seededRandom(42);
  const events: Event[] = [];
  // u0–u29 have events in the last 7 days; u30–u34 only older ones (no aggregate to audit).
  for (let u = 0; u < 35; u++) {
    const recent = u < 30;
    for (let i = 0, n = randomInt(rand, 1, 12); i < n; i++) {
      const age = recent ? randomInt(rand, 0, 7 * 24) * HOUR : (8 + randomInt(rand, 0, 20)) * DAY;
      events.push({ user_id: `u${u}`, ts: NOW - age, tokens: rand() < 0.1 ? null : randomInt(rand, 0, 500), model: `m${randomInt(rand, 0, 3)}` });
    }
  }

  beforeEach(async () => {
    tmp = tempDir();
    await writeParquet(
      join(tmp.dir, 'data/usage/p.parquet'),
      [
        { name: 'user_id', type: 'VARCHAR' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'tokens', type: 'BIGINT' },
        { name: 'model', type: 'VARCHAR' },
      ],
      events.map((e) => ({ ...e, ts: new Date(e.ts) })),
    );
    store = openTestStore(tmp.dir, clock);
    await store.apply([user, usage]);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  it('samples the keys with events in the longest window and finds online = offline recomputed at the same instant', async () => {
    const report = await auditSkew(store.context, { views: ['usage'], sample: 100 }, reader(events));
    expect(report.features.map((f) => [f.feature, f.compared, f.mismatches, f.missingOnline, f.missingOffline])).toEqual([
      ['tokens_sum_1d', 30, 0, 0, 0],
      ['events_7d', 30, 0, 0, 0],
      ['tokens_max_7d', 30, 0, 0, 0],
      ['model_last_1d', 30, 0, 0, 0],
    ]);
    expect(report.worstRate).toBe(0);
  });

  it('reports an aggregate online that counted an event twice, naming the entity and both values', async () => {
    const report = await auditSkew(
      store.context,
      { views: ['usage'], sample: 100 },
      reader(events, (u, v) => {
        if (u === 'u7') v.events_7d = (v.events_7d as number) + 1;
      }),
    );
    const counts = report.features.find((f) => f.feature === 'events_7d')!;
    const truth = served(events, 'u7', NOW).events_7d as number;
    expect(counts).toMatchObject({ compared: 30, mismatches: 1, examples: [{ entity: { user_id: 'u7' }, online: truth + 1, offline: truth }] });
    expect(report.features.filter((f) => f.feature !== 'events_7d').every((f) => f.mismatches === 0)).toBe(true);
    expect(report.worstRate).toBeCloseTo(1 / 30);
  });

  it('samples a seeded subset when there are more keys than the sample size', async () => {
    const a = await auditSkew(store.context, { views: ['usage'], sample: 8, seed: 3 }, reader(events));
    const b = await auditSkew(store.context, { views: ['usage'], sample: 8, seed: 3 }, reader(events));
    expect(a.features[0].compared).toBe(8);
    expect(a).toEqual(b);
  });
});
