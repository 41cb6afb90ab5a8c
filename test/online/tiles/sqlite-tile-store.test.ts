import { describe, expect, it } from 'vitest';
import { SqliteTileStore } from '../../../shared/online/tiles/sqlite-tile-store.js';
import { aggregateAt, edgeCuts } from '../../../shared/online/tiles/window-merge.js';
import { randomInt, seededRandom } from '../../../shared/util/random.js';
import { AGGS, checkAgainstOracle, layoutOf, randomEvents } from './tile-store-contract.js';

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
      expect(aggregateAt(5 * H + 7, layout, data).values.n_1h).toBe(1);
      await store.close();
    });

    it('drops tiles and events no window can reach any more', async () => {
      const store = new SqliteTileStore(':memory:');
      const layout = layoutOf(AGGS, H);
      await store.write('v@v1', layout, [{ entityKey: 'k', event: { id: 'old', ts: 0, values: { x: 1, m: 'a' } } }], new Date(H));
      await store.write('v@v1', layout, [{ entityKey: 'k', event: { id: 'new', ts: 30 * 24 * H, values: { x: 1, m: 'a' } } }], new Date(30 * 24 * H));
      const [data] = await store.read('v@v1', layout, ['k'], 7 * 24 * H - 1);
      expect(data.events.map((e) => e.id)).toEqual([]);
      // Only the new event's tile is left in the entity's set.
      expect([...data.tiles.starts]).toEqual([30 * 24 * H]);
      // A late re-delivery of the expired event is not stored: it would rebuild its tile from itself alone.
      const late = await store.write('v@v1', layout, [{ entityKey: 'k', event: { id: 'old', ts: 0, values: { x: 1, m: 'a' } } }], new Date(30 * 24 * H));
      expect(late).toMatchObject({ written: 0, expired: 1 });
      await store.close();
    });
  });
});

describe('Function: edgeCuts', () => {
  it('asks for raw events only where a window edge cuts through a tile, at most two per window', async () => {
    const store = new SqliteTileStore(':memory:');
    const layout = layoutOf(AGGS, H);
    const events = randomEvents(9, 400, 0, 10).map((e) => ({ entityKey: e.key, event: e.event }));
    await store.write('v@v1', layout, events, new Date(0));
    const rand = seededRandom(10);
    let cut = 0;
    for (let q = 0; q < 200; q++) {
      const t = randomInt(rand, 3 * 24 * H, 11 * 24 * H);
      const [data] = await store.read('v@v1', layout, ['k1'], t);
      const cuts = edgeCuts(t, layout, data.tiles);
      expect(cuts.length).toBeLessThanOrEqual(2 * layout.windowsMs.length);
      for (const c of cuts) {
        // A cut lies inside one tile, and that tile has events on both sides of the window's edge.
        expect(Math.floor(c.from / H)).toBe(Math.floor((c.to - 1) / H));
        const inTile = events.filter((e) => e.entityKey === 'k1' && Math.floor(e.event.ts / H) === Math.floor(c.from / H));
        expect(inTile.some((e) => e.event.ts >= c.from && e.event.ts < c.to)).toBe(true);
        expect(inTile.some((e) => e.event.ts < c.from || e.event.ts >= c.to)).toBe(true);
      }
      cut += cuts.length;
    }
    // Edges land in tiles with events on both sides only now and then: most lookups read no raw event.
    expect(cut).toBeLessThan(200);
    await store.close();
  });
});
