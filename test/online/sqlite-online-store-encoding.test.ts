import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entityKey } from '../../shared/online/entity-key.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';

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
});
