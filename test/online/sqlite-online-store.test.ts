import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { entityKey } from '../../shared/online/entity-key.js';

const k = (id: string) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: id });
const at = new Date('2024-01-01T00:00:00Z');

describe('Class: SqliteOnlineStore', () => {
  let store: SqliteOnlineStore;
  beforeEach(() => (store = new SqliteOnlineStore(':memory:')));
  afterEach(() => store.close());

  describe('Method: write', () => {
    it('keeps the newer value when an older write arrives after it, and counts the drop', async () => {
      await store.write('v@v1', [{ entityKey: k('a'), values: { x: 2 }, eventTs: 2000, createdTs: 0 }], at);
      const r = await store.write('v@v1', [{ entityKey: k('a'), values: { x: 1 }, eventTs: 1000, createdTs: 5 }], at);
      expect(r).toEqual({ written: 0, skipped: 1 });
      expect((await store.read([{ entityKey: k('a'), view: 'v@v1' }]))[0]).toEqual({ values: { x: 2 }, eventTs: 2000, createdTs: 0 });
    });

    it('breaks equal event times by created time, and a re-delivered event changes nothing', async () => {
      await store.write('v@v1', [{ entityKey: k('a'), values: { x: 1 }, eventTs: 1000, createdTs: 10 }], at);
      expect(await store.write('v@v1', [{ entityKey: k('a'), values: { x: 9 }, eventTs: 1000, createdTs: 5 }], at)).toEqual({ written: 0, skipped: 1 });
      const before = await store.read([{ entityKey: k('a'), view: 'v@v1' }]);
      await store.write('v@v1', [{ entityKey: k('a'), values: { x: 1 }, eventTs: 1000, createdTs: 10 }], at);
      expect(await store.read([{ entityKey: k('a'), view: 'v@v1' }])).toEqual(before);
      expect(before[0]!.values).toEqual({ x: 1 });
    });

    it('applies only the newest row per key within one batch', async () => {
      const r = await store.write(
        'v@v1',
        [
          { entityKey: k('a'), values: { x: 3 }, eventTs: 3000, createdTs: 0 },
          { entityKey: k('a'), values: { x: 1 }, eventTs: 1000, createdTs: 0 },
        ],
        at,
      );
      expect(r).toEqual({ written: 1, skipped: 1 });
      expect((await store.read([{ entityKey: k('a'), view: 'v@v1' }]))[0]!.values).toEqual({ x: 3 });
    });

    it('advances the watermark with applied rows only, never backwards', async () => {
      await store.write('v@v1', [{ entityKey: k('a'), values: {}, eventTs: 5000, createdTs: 0 }], new Date(100));
      await store.write('v@v1', [{ entityKey: k('b'), values: {}, eventTs: 3000, createdTs: 0 }], new Date(200));
      expect(await store.watermarks()).toEqual([{ view: 'v@v1', eventTs: 5000, writtenAt: 200 }]);
      await store.write('v@v1', [{ entityKey: k('a'), values: {}, eventTs: 1000, createdTs: 0 }], new Date(300));
      expect((await store.watermarks())[0].writtenAt).toBe(200);
    });
  });

  describe('Method: read', () => {
    it('returns records in request order across batches, undefined where absent, per view version', async () => {
      const rows = Array.from({ length: 1000 }, (_, i) => ({ entityKey: k(`u${i}`), values: { i }, eventTs: i, createdTs: 0 }));
      await store.write('v@v1', rows, at);
      await store.write('v@v2', [{ entityKey: k('u1'), values: { i: 'v2' }, eventTs: 1, createdTs: 0 }], at);
      const keys = [
        ...Array.from({ length: 1000 }, (_, i) => ({ entityKey: k(`u${999 - i}`), view: 'v@v1' })),
        { entityKey: k('nope'), view: 'v@v1' },
        { entityKey: k('u1'), view: 'v@v2' },
      ];
      const got = await store.read(keys);
      expect(got.slice(0, 1000).map((r) => r!.values.i)).toEqual(Array.from({ length: 1000 }, (_, i) => 999 - i));
      expect(got[1000]).toBeUndefined();
      expect(got[1001]!.values.i).toBe('v2');
    });
  });
});

describe('Function: entityKey', () => {
  it('is canonical: key order and numeric strings for integer keys do not matter', () => {
    const keys = [
      { name: 'b', valueType: 'Int64' as const },
      { name: 'a', valueType: 'String' as const },
    ];
    expect(entityKey(keys, { b: '7', a: 'x' })).toBe(entityKey([...keys].reverse(), { a: 'x', b: 7 }));
    expect(() => entityKey(keys, { a: 'x', b: 'seven' }, 3)).toThrow(/join key 'b' in row 3: expected an integer/);
    expect(() => entityKey(keys, { a: 'x' })).toThrow(/missing join key 'b'/);
  });
});
