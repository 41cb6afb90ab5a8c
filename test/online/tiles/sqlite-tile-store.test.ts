import { describe, expect, it } from 'vitest';
import { SqliteTileStore } from '../../../shared/online/tiles/sqlite-tile-store.js';
import { planReads } from '../../../shared/online/tiles/tile-layout.js';
import { AGGS, checkAgainstOracle, layoutOf } from './tile-store-contract.js';

const H = 3_600_000;

describe('Class: SqliteTileStore', () => {
  describe('Method: read + aggregateAt', () => {
    it.each([
      [1, H],
      [2, 15 * 60_000],
      [3, 6 * H],
      [4, 7 * 24 * H],
    ])('equals the brute-force oracle (seed %i, tiles of %i ms), duplicates and out-of-order deliveries included', async (seed, interval) => {
      const store = new SqliteTileStore(':memory:');
      try {
        expect(await checkAgainstOracle(store, seed, interval)).toBe(40 * 5 * AGGS.length);
      } finally {
        await store.close();
      }
    });
  });

  describe('Method: write', () => {
    it('stores a re-delivered event once and reports it as a duplicate', async () => {
      const store = new SqliteTileStore(':memory:');
      const layout = layoutOf(AGGS, H);
      const e = { entityKey: 'k', event: { id: 'e1', ts: 5 * H + 7, values: { x: 3, m: 'a' } } };
      expect(await store.write('v@v1', layout, [e], new Date(6 * H))).toEqual({ written: 1, duplicates: 0, expired: 0, newestTs: 5 * H + 7 });
      expect(await store.write('v@v1', layout, [e, e], new Date(6 * H))).toEqual({ written: 0, duplicates: 2, expired: 0, newestTs: 5 * H + 7 });
      const [data] = await store.read('v@v1', layout, ['k'], 5 * H + 7);
      expect(data.events).toHaveLength(1);
      await store.close();
    });

    it('drops tiles and events no window can reach any more', async () => {
      const store = new SqliteTileStore(':memory:');
      const layout = layoutOf(AGGS, H);
      await store.write('v@v1', layout, [{ entityKey: 'k', event: { id: 'old', ts: 0, values: { x: 1, m: 'a' } } }], new Date(H));
      await store.write('v@v1', layout, [{ entityKey: 'k', event: { id: 'new', ts: 30 * 24 * H, values: { x: 1, m: 'a' } } }], new Date(30 * 24 * H));
      const [data] = await store.read('v@v1', layout, ['k'], 7 * 24 * H - 1);
      expect(data.events.map((e) => e.id)).toEqual([]);
      // A late re-delivery of the expired event is not stored: it would rebuild its tile from itself alone.
      const late = await store.write('v@v1', layout, [{ entityKey: 'k', event: { id: 'old', ts: 0, values: { x: 1, m: 'a' } } }], new Date(30 * 24 * H));
      expect(late).toMatchObject({ written: 0, expired: 1 });
      await store.close();
    });
  });
});

describe('Function: planReads', () => {
  it('reads one tile range and at most windows + 1 event ranges', () => {
    const windows = [H, 24 * H, 7 * 24 * H];
    for (const t of [0, 1, H - 1, H, 5 * H + 123, 100 * H + 59_999]) {
      const p = planReads(t, windows, H);
      expect(p.events.length).toBeLessThanOrEqual(windows.length + 1);
      // The ranges cover (t − w, t] exactly: tiles and events are disjoint and adjacent for each window.
      for (const [i, plan] of p.plans.entries()) {
        const covered = [plan.tiles, ...plan.events].filter((r) => r.from < r.to).sort((a, b) => a.from - b.from);
        expect(covered[0].from).toBe(t - windows[i] + 1);
        expect(covered[covered.length - 1].to).toBe(t + 1);
        for (let j = 1; j < covered.length; j++) expect(covered[j].from).toBe(covered[j - 1].to);
      }
    }
  });
});
