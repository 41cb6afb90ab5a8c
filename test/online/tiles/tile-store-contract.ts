import { expect } from 'vitest';
import { measuresOf, type TiledAggregation, type TileEvent } from '../../../shared/online/tiles/partials.js';
import type { TileLayout, TileStore } from '../../../shared/online/tiles/types.js';
import { aggregateAt } from '../../../shared/online/tiles/window-merge.js';
import { randomInt, seededRandom } from '../../../shared/util/random.js';
import { closeTo, oracleAggregate } from '../../helpers/tile-oracle.js';

const H = 3_600_000;

export const AGGS: TiledAggregation[] = [
  { name: 'n_1h', column: 'x', function: 'count', windowMs: H },
  { name: 'sum_1d', column: 'x', function: 'sum', windowMs: 24 * H },
  { name: 'mean_1d', column: 'x', function: 'mean', windowMs: 24 * H },
  { name: 'min_7d', column: 'x', function: 'min', windowMs: 7 * 24 * H },
  { name: 'max_7d', column: 'x', function: 'max', windowMs: 7 * 24 * H },
  { name: 'last_1d', column: 'm', function: 'last', windowMs: 24 * H },
  { name: 'last3_7d', column: 'm', function: 'last_n', windowMs: 7 * 24 * H, n: 3 },
  { name: 'distinct_7d', column: 'm', function: 'count_distinct', windowMs: 7 * 24 * H },
  { name: 'n_90m', column: 'm', function: 'count', windowMs: 90 * 60_000 },
];

export function layoutOf(aggs: TiledAggregation[], intervalMs: number): TileLayout {
  const windowsMs = [...new Set(aggs.map((a) => a.windowMs))];
  return { aggregations: aggs, measures: measuresOf(aggs), intervalMs, windowsMs, maxWindowMs: Math.max(...windowsMs), skewMs: 300_000 };
}

/** Random events for a few entities over `days`, with ties, nulls and events on tile bounds. */
export function randomEvents(seed: number, count: number, start: number, days: number): { key: string; event: TileEvent }[] {
  const rand = seededRandom(seed);
  const out: { key: string; event: TileEvent }[] = [];
  for (let i = 0; i < count; i++) {
    // A third of the events sit exactly on an hour (tile bounds, window bounds of whole-hour lookups).
    const ts = rand() < 0.33 ? start + randomInt(rand, 0, days * 24) * H : start + randomInt(rand, 0, days * 24 * H);
    out.push({
      key: `k${randomInt(rand, 0, 4)}`,
      event: {
        id: `e${i}`,
        ts,
        values: { x: rand() < 0.1 ? null : randomInt(rand, -50, 100), m: rand() < 0.1 ? null : ['a', 'b', 'c', 'd'][randomInt(rand, 0, 4)] },
      },
    });
  }
  return out;
}

/**
 * Any TileStore: events written in random order with duplicates, then the merged answer at random
 * lookup times (on and off tile bounds) equals the brute-force oracle over the distinct events.
 */
export async function checkAgainstOracle(store: TileStore, seed: number, intervalMs: number, count = 300, lookups = 40): Promise<number> {
  const start = Date.UTC(2026, 0, 1);
  const layout = layoutOf(AGGS, intervalMs);
  const events = randomEvents(seed, count, start, 10);
  const rand = seededRandom(seed + 1);
  const delivered = [...events, ...events.filter(() => rand() < 0.3)].sort(() => rand() - 0.5);
  // Written as of the first event: nothing is past retention, so lookups at any later time see everything.
  const now = new Date(start);
  let written = 0;
  for (let i = 0; i < delivered.length; i += 37) {
    const r = await store.write(
      'v@v1',
      layout,
      delivered.slice(i, i + 37).map((d) => ({ entityKey: d.key, event: d.event })),
      now,
    );
    written += r.written;
  }
  expect(written).toBe(events.length);
  let checked = 0;
  for (let q = 0; q < lookups; q++) {
    const t = q % 3 === 0 ? start + randomInt(rand, 3 * 24, 11 * 24) * H : start + randomInt(rand, 3 * 24 * H, 11 * 24 * H);
    const keys = ['k0', 'k1', 'k2', 'k3', 'nobody'];
    const data = await store.read('v@v1', layout, keys, t);
    keys.forEach((k, j) => {
      const got = aggregateAt(t, layout, data[j]).values;
      const want = oracleAggregate(
        events.filter((e) => e.key === k).map((e) => e.event),
        AGGS,
        t,
      );
      for (const a of AGGS) {
        if (!closeTo(got[a.name], want[a.name]))
          expect({ seed, t, key: k, agg: a.name, got: got[a.name] }).toEqual({ seed, t, key: k, agg: a.name, got: want[a.name] });
        checked++;
      }
    });
  }
  return checked;
}
