import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entityKey } from '../../shared/online/entity-key.js';
import { encode, SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { seededRandom } from '../../shared/util/random.js';

const k = (id: string) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: id });
const at = new Date('2024-01-01T00:00:00Z');

describe('Class: SqliteOnlineStore — stored values and scans', () => {
  let store: SqliteOnlineStore;
  beforeEach(() => (store = new SqliteOnlineStore(':memory:')));
  afterEach(() => store.close());

  it('stores an Int64 beyond 2^53 as exact decimal text and bytes as base64', async () => {
    const big = 2n ** 62n + 1n;
    await store.write(
      'v@v1',
      [{ entityKey: k('a'), values: { n: big, raw: new Uint8Array([0, 255, 16]), f: 1.5, s: 'x', none: null }, eventTs: 1, createdTs: 0 }],
      at,
    );
    const [rec] = await store.read([{ entityKey: k('a'), view: 'v@v1' }]);
    expect(rec!.values).toEqual({ n: '4611686018427387905', raw: 'AP8Q', f: 1.5, s: 'x', none: null });
  });

  it('samples across more than one scan page: asking for more than exist returns every item once', async () => {
    const n = 2_345;
    await store.write(
      'v@v1',
      Array.from({ length: n }, (_, i) => ({ entityKey: k(`u${i}`), values: { i }, eventTs: 1, createdTs: 0 })),
      at,
    );
    await store.write('other@v1', [{ entityKey: k('zzz'), values: { i: -1 }, eventTs: 1, createdTs: 0 }], at);
    const all = await store.sample('v@v1', 10_000, 7);
    expect(all).toHaveLength(n);
    expect(new Set(all.map((r) => r.values.i)).size).toBe(n);
    // A small sample draws from every page, not only the first 1000 keys (in key order).
    const some = await store.sample('v@v1', 200, 7);
    expect(some).toHaveLength(200);
    const keysInOrder = all.map((r) => r.entityKey).sort();
    const lastPageStart = keysInOrder[2000];
    expect(some.some((r) => r.entityKey >= lastPageStart)).toBe(true);
    expect(await store.sample('v@v1', 200, 7)).toEqual(some);
  });

  it('encodes every record as the replacer alone would, whichever path it takes', () => {
    // The oracle: the replacer applied to every value (the encoding before the plain-record fast path).
    const oracle = (v: Record<string, unknown>) =>
      JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x instanceof Uint8Array ? Buffer.from(x).toString('base64') : x));
    const rand = seededRandom(13);
    const scalars: (() => unknown)[] = [
      () => rand() * 1e6 - 5e5,
      () => Math.floor(rand() * 1e9),
      () => `s${rand()}"\\\n\u2028`,
      () => rand() < 0.5,
      () => null,
      () => undefined,
      () => new Date(Math.floor(rand() * 2e12)),
      () => Number.NaN,
      () => BigInt(Math.floor(rand() * 1e9)) * 2n ** 40n,
      () => new Uint8Array([Math.floor(rand() * 256), 0, 255]),
      () => [1.5, Math.floor(rand() * 10)],
      () => [2n ** 60n, 3n],
      () => [new Uint8Array([1, 2])],
    ];
    for (let i = 0; i < 500; i++) {
      const record: Record<string, unknown> = {};
      const n = Math.floor(rand() * 6);
      // Half the records hold only plain values (the fast path), half may hold anything.
      const pool = i % 2 ? scalars : scalars.slice(0, 8);
      for (let f = 0; f < n; f++) record[`f${f}`] = pool[Math.floor(rand() * pool.length)]();
      expect(encode(record)).toBe(oracle(record));
    }
  });
});
