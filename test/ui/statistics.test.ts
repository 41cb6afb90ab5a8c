import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAthenaSyntax } from '../../examples/aws-local/athena-grammar.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { sourceNodeFor } from '../../shared/offline/source-node.js';
import { histogramBins, StatisticsCompiler } from '../../shared/offline/sql/statistics-compiler.js';
import { trinoDialect } from '../../shared/offline/sql/trino-dialect.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const DAY = 86_400_000;
const T0 = Date.parse('2024-03-01T00:00:00Z');
type Row = { user_id: string; event_date: Date; created_at: Date; sessions: number | null; model: string | null };

/** Random rows over 20 days: nulls in both features, a few hot model values, negative and repeated numbers. */
function randomRows(seed: number, n: number): Row[] {
  const rand = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = new Date(T0 + randomInt(rand, 0, 20 * 24) * 3_600_000);
    return {
      user_id: `u${randomInt(rand, 0, 50)}`,
      event_date: t,
      created_at: new Date(t.getTime() + i),
      sessions: rand() < 0.15 ? null : randomInt(rand, -40, 400),
      model: rand() < 0.1 ? null : `m${Math.floor(rand() ** 3 * 12)}`,
    };
  });
}

/** Brute force over the rows in memory: what the engine's statistics must equal. */
function oracle(rows: Row[], start: Date, end: Date, bins: number) {
  const inRange = rows.filter((r) => r.event_date >= start && r.event_date < end);
  const nums = inRange.map((r) => r.sessions).filter((v): v is number => v !== null);
  const models = inRange.map((r) => r.model).filter((v): v is string => v !== null);
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const b = histogramBins('Int64', min, max, bins);
  const hist = new Array(b.count).fill(0);
  for (const v of nums) hist[b.width ? Math.min(Math.floor((v - min) / b.width), b.count - 1) : 0]++;
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m, (counts.get(m) ?? 0) + 1);
  const top = [...counts]
    .sort(([a, x], [b2, y]) => y - x || (a < b2 ? -1 : 1))
    .slice(0, 10)
    .map(([value, count]) => ({ value, count }));
  return {
    rowCount: inRange.length,
    sessions: { count: nums.length, nulls: inRange.length - nums.length, min, max, mean: nums.reduce((a, v) => a + v, 0) / nums.length, hist },
    model: { count: models.length, nulls: inRange.length - models.length, distinct: counts.size, top },
  };
}

describe('view statistics on the offline engine (DuckDB) against a brute-force oracle', () => {
  const tmp = tempDir();
  let store: FeatureStore;
  const rows = randomRows(7, 3000);
  const clock = { now: new Date(T0 + 21 * DAY) };

  beforeAll(async () => {
    // Two part files, as pushes and daily jobs leave them.
    await writeParquet(join(tmp.dir, 'data/activity/part-1.parquet'), ACTIVITY_COLUMNS, rows.slice(0, 1700));
    await writeParquet(join(tmp.dir, 'data/activity/dt=x/part-2.parquet'), ACTIVITY_COLUMNS, rows.slice(1700));
    store = openTestStore(tmp.dir, clock);
    await store.apply(testDefinitions().all);
  });
  afterAll(async () => {
    await store.close();
    tmp.cleanup();
  });

  it('row count, null rates, min / max / mean, histograms and top values equal the oracle on random ranges', async () => {
    const rand = seededRandom(99);
    for (let k = 0; k < 6; k++) {
      const a = T0 + randomInt(rand, 0, 18 * 24) * 3_600_000;
      const start = new Date(a);
      const end = new Date(a + randomInt(rand, 1, 8 * 24) * 3_600_000);
      const bins = [5, 10, 1000][k % 3];
      const s = await store.statistics('activity', { start, end, bins });
      const o = oracle(rows, start, end, bins);
      expect(s.rowCount).toBe(o.rowCount);
      const sessions = s.features.find((f) => f.name === 'sessions')!;
      expect(sessions).toMatchObject({ kind: 'numeric', count: o.sessions.count, nulls: o.sessions.nulls, min: o.sessions.min, max: o.sessions.max });
      expect(sessions.nullRate).toBeCloseTo(o.sessions.nulls / o.rowCount, 12);
      expect(sessions.mean).toBeCloseTo(o.sessions.mean, 9);
      expect(sessions.histogram!.map((h) => h.count)).toEqual(o.sessions.hist);
      expect(sessions.histogram!.reduce((n, h) => n + h.count, 0)).toBe(o.sessions.count);
      const model = s.features.find((f) => f.name === 'model')!;
      expect(model).toMatchObject({ kind: 'categorical', count: o.model.count, nulls: o.model.nulls, distinct: o.model.distinct });
      expect(model.top).toEqual(o.model.top);
    }
  });

  it('an empty range reports zero rows and no bounds; start >= end is a 400 naming the field', async () => {
    const s = await store.statistics('activity', { start: new Date(T0 - 10 * DAY), end: new Date(T0 - 9 * DAY) });
    expect(s.rowCount).toBe(0);
    expect(s.features.find((f) => f.name === 'sessions')).toMatchObject({ count: 0, nullRate: 0 });
    expect(s.features.find((f) => f.name === 'sessions')!.min).toBeUndefined();
    await expect(store.statistics('activity', { start: new Date(T0), end: new Date(T0) })).rejects.toMatchObject({ status: 400, issues: [{ field: 'start' }] });
  });

  it('answers come from the cache for the same view version and range until refreshed', async () => {
    const range = { start: new Date(T0), end: new Date(T0 + 5 * DAY) };
    const first = await store.statistics('activity', range);
    // New offline data: a cached answer does not see it, a refresh does.
    await writeParquet(join(tmp.dir, 'data/activity/part-3.parquet'), ACTIVITY_COLUMNS, [
      { user_id: 'zz', event_date: new Date(T0 + DAY), created_at: new Date(T0 + DAY), sessions: 1, model: 'new' },
    ]);
    const again = await store.statistics('activity', range);
    expect(again).toMatchObject({ cached: true, rowCount: first.rowCount });
    const fresh = await store.statistics('activity', { ...range, refresh: true });
    expect(fresh).toMatchObject({ cached: false, rowCount: first.rowCount + 1 });
  });

  it("the Athena (Trino) form of every statement parses with Trino's grammar and prunes dt partitions", () => {
    const field = (name: string, dtype: 'Int64' | 'String' | 'Float64') => ({ name, dtype, description: '', tags: {} });
    const spec = {
      ...{ name: 'activity', version: 1, entities: ['user_id'], joinKeys: [{ name: 'user_id', valueType: 'String' as const }], ttlSeconds: 0 },
      ...{ online: true, description: '', tags: {}, owner: '', status: 'active' as const },
      features: [field('sessions', 'Int64'), field('model', 'String'), field("it's", 'Float64')],
      source: { kind: 'FileSource' as const, name: 's', path: 'p', timestampField: 'event_date', fieldMapping: {}, description: '', tags: {}, owner: '' },
    };
    const c = new StatisticsCompiler(trinoDialect().createCompiler());
    const input = {
      source: sourceNodeFor(spec, { kind: 'table', database: 'db', table: 'activity_v1' }, 'dt'),
      features: spec.features,
      start: new Date(T0),
      end: new Date(T0 + DAY),
    };
    const statements = [
      c.summary(input),
      c.histograms(
        input,
        new Map([
          [0, histogramBins('Int64', -3, 1e6, 10)],
          [2, histogramBins('Float64', 0.5, 0.5, 10)],
        ]),
      )!,
      c.topValues(input, 10)!,
    ];
    for (const sql of statements) {
      expect(() => assertAthenaSyntax(sql)).not.toThrow();
      expect(sql).toContain(`"dt" >= '2024-03-01'`);
      // The feature name with a quote reaches SQL only as a quoted identifier.
      expect(sql).toContain(`"it's"`);
    }
  });
});
