import { describe, expect, it } from 'vitest';
import { empty, finalize, measuresOf, merge, type TiledAggregation } from '../../../shared/online/tiles/partials.js';
import { decodeTileSet, encodeTileSet, foldEvents, rowsOf, type TileRow, tileSetOf } from '../../../shared/online/tiles/tile-set.js';
import { randomInt, seededRandom } from '../../../shared/util/random.js';

const H = 3_600_000;
const col = (c: string) => ({ column: c, windowMs: H });
// Every function over a number column, a text column and a boolean column (numbers are held as float64 arrays, the rest as JSON).
const AGGS: TiledAggregation[] = ['x', 's', 'b'].flatMap((c) =>
  (['count', 'sum', 'mean', 'min', 'max', 'last', 'last_n', 'count_distinct'] as const)
    .filter((f) => c === 'x' || !['sum', 'mean'].includes(f))
    .map((f) => ({ name: `${f}_${c}`, function: f, ...col(c), ...(f === 'last_n' ? { n: 3 } : {}) })),
);

function randomRows(seed: number): TileRow[] {
  const rand = seededRandom(seed);
  const measures = measuresOf(AGGS);
  const rows = new Map<number, TileRow>();
  const events = Array.from({ length: randomInt(rand, 0, 60) }, (_, i) => ({
    id: `e${i}`,
    ts: randomInt(rand, 0, 20) * H + (rand() < 0.3 ? 0 : randomInt(rand, 0, H)),
    values: {
      x: rand() < 0.2 ? null : rand() < 0.5 ? randomInt(rand, -5, 5) : rand() * 10 - 5,
      s: rand() < 0.2 ? null : ['a', 'b', 'c, d', ''][randomInt(rand, 0, 4)],
      b: rand() < 0.2 ? null : rand() < 0.5,
    },
  }));
  foldEvents(measures, rows, events, H);
  return [...rows.values()];
}

describe('Module: tile-set', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('round-trips tile rows through the binary layout unchanged in every served value (seed %i)', (seed) => {
    const measures = measuresOf(AGGS);
    const rows = randomRows(seed);
    const set = decodeTileSet(encodeTileSet(tileSetOf(measures, rows)));
    expect(set.n).toBe(rows.length);
    const sorted = [...rows].sort((a, b) => a.start - b.start);
    expect([...set.starts]).toEqual(sorted.map((r) => r.start));
    expect([...set.oldest]).toEqual(sorted.map((r) => r.oldest));
    expect([...set.newest]).toEqual(sorted.map((r) => r.newest));
    const back = rowsOf(measures, set);
    for (const a of AGGS) {
      const m = measures.find((x) => x.function === a.function && x.column === a.column)!;
      for (const [i, r] of sorted.entries()) {
        // Each tile, and every tile merged, serves what the original partials serve.
        expect(finalize(a.function, back[i].partials[m.id], a.n)).toEqual(finalize(a.function, r.partials[m.id], a.n));
      }
      const all = (rs: TileRow[]) => rs.reduce((acc, r) => merge(m, acc, r.partials[m.id]), empty(m));
      if (rows.length) expect(finalize(a.function, all(back), a.n)).toEqual(finalize(a.function, all(sorted), a.n));
    }
  });

  it('holds numbers as float64 arrays and anything else as JSON', () => {
    const measures = measuresOf(AGGS);
    const set = tileSetOf(measures, randomRows(3));
    const kind = (id: string) => set.columns[measures.findIndex((m) => m.id === id)];
    expect(kind('min:x').kind).toBe('num');
    expect(kind('mean:x').kind).toBe('mean');
    expect(kind('min:s').kind).toBe('json');
    expect(kind('last:s')).toMatchObject({ kind: 'last', vals: expect.any(Array) });
    expect(kind('last_n:x').kind).toBe('json');
  });

  it('refuses a tile set written in an unknown layout version instead of misreading it', () => {
    const bytes = encodeTileSet(tileSetOf(measuresOf(AGGS), randomRows(1)));
    bytes.writeUInt32LE(99, 0);
    expect(() => decodeTileSet(bytes)).toThrow(/unknown layout version 99/);
  });
});
