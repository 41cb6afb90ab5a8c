import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Int64, String as Str } from '../../shared/definitions/index.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { tempDir } from '../helpers/tmp.js';
import { writeParquet } from '../helpers/write-parquet.js';

// The UI's statistics and preview of an aggregation view (the demo's user_activity is one): its
// offline rows are raw events and its online values are aggregates, not stored rows.
const NOW = Date.UTC(2024, 2, 20, 12);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface Event {
  user_id: string;
  ts: number;
  tokens: number | null;
  model: string | null;
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
  ],
});

describe('skewless ui on an aggregation view: statistics of its raw events, a preview of its aggregates', () => {
  const tmp = tempDir();
  const clock = { now: new Date(NOW) };
  const rand = seededRandom(5);
  const events: Event[] = [];
  // u0–u19 have events in the last 7 days; u20–u24 only older ones (nothing to preview online).
  for (let u = 0; u < 25; u++) {
    for (let i = 0, n = randomInt(rand, 1, 15); i < n; i++) {
      const age = u < 20 ? randomInt(rand, 0, 7 * 24 - 1) * HOUR + randomInt(rand, 0, 59) * 60_000 : (8 + randomInt(rand, 0, 20)) * DAY;
      events.push({
        user_id: `u${u}`,
        ts: NOW - age,
        tokens: rand() < 0.15 ? null : randomInt(rand, -5, 500),
        model: rand() < 0.1 ? null : `m${randomInt(rand, 0, 4)}`,
      });
    }
  }
  let store: FeatureStore;

  beforeAll(async () => {
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
    writeFileSync(join(tmp.dir, 'skewless.json'), JSON.stringify({ project: 'agg', registryCacheSeconds: 0 }));
    store = await FeatureStore.open(tmp.dir, { now: () => clock.now });
    await store.apply([user, usage]);
    await store.materialize({ start: new Date(NOW - 40 * DAY), end: new Date(NOW), views: ['usage'] });
  });
  afterAll(async () => (await store.close(), tmp.cleanup()));

  it('statistics describe the raw event columns in the range, equal to a brute-force count', async () => {
    const start = new Date(NOW - 10 * DAY);
    const end = new Date(NOW - DAY);
    const s = await store.statistics('usage', { start, end });
    const inRange = events.filter((e) => e.ts >= start.getTime() && e.ts < end.getTime());
    const tokens = inRange.map((e) => e.tokens).filter((v): v is number => v !== null);
    const models = inRange.map((e) => e.model).filter((v): v is string => v !== null);
    expect(s).toMatchObject({ view: 'usage@v1', of: 'events', rowCount: inRange.length });
    expect(s.features.map((f) => f.name)).toEqual(['tokens', 'model']);
    expect(s.features[0]).toMatchObject({
      kind: 'numeric',
      count: tokens.length,
      nulls: inRange.length - tokens.length,
      min: Math.min(...tokens),
      max: Math.max(...tokens),
    });
    expect(s.features[0].mean).toBeCloseTo(tokens.reduce((a, v) => a + v, 0) / tokens.length, 9);
    expect(s.features[1]).toMatchObject({ kind: 'categorical', count: models.length, distinct: new Set(models).size });
    expect(s.features[1].top!.reduce((n, t) => n + t.count, 0)).toBe(models.length);
  });

  it('the preview samples the keys with events in the longest window and shows their aggregates and newest event time', async () => {
    const rows = await store.onlinePreview('usage', 100);
    const expected = (u: string) => {
      const mine = events.filter((e) => e.user_id === u && e.ts <= NOW);
      const day = mine.filter((e) => e.ts > NOW - DAY && e.tokens !== null);
      const week = mine.filter((e) => e.ts > NOW - 7 * DAY);
      return {
        values: { tokens_sum_1d: day.reduce((a, e) => a + e.tokens!, 0), events_7d: week.length },
        eventTimestamp: new Date(Math.max(...week.map((e) => e.ts))).toISOString(),
      };
    };
    expect(rows.map((r) => r.entity.user_id).sort()).toEqual(Array.from({ length: 20 }, (_, u) => `u${u}`).sort());
    for (const r of rows)
      expect([r.entity.user_id, { values: r.values, eventTimestamp: r.eventTimestamp }]).toEqual([r.entity.user_id, expected(r.entity.user_id as string)]);
    expect(await store.onlinePreview('usage', 5)).toHaveLength(5);
  });
});
