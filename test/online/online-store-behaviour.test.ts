import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { entityKey } from '../../shared/online/entity-key.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';

// The parts of an online store every adapter inherits (in-batch newer-wins, empty batches, key-size
// checks, chunked reads, sampling) and the SQLite adapter's own bookkeeping (watermark on the newest
// applied row, a deferred watermark, pages of a scan, deleting one view version, closing twice).
const k = (id: string) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: id });
const row = (id: string, eventTs: number, createdTs: number, x: unknown) => ({ entityKey: k(id), values: { x }, eventTs, createdTs });

/** A SQLite store that, like DynamoDB, refuses long keys and reads in small batches. */
class SmallStore extends SqliteOnlineStore {
  protected override readonly maxEntityKeyBytes: number = 40;
  protected override readonly maxReadBatch: number = 3;
}

describe('Online store behaviour', () => {
  let store: SqliteOnlineStore;
  beforeEach(() => (store = new SqliteOnlineStore(':memory:')));
  afterEach(() => store.close());

  const x = async (id: string, view = 'v@v1') => (await store.read([{ entityKey: k(id), view }]))[0]?.values.x;

  it('within one batch, the later event wins whatever the order; equal events go to the later created, then the later row', async () => {
    expect(await store.write('v@v1', [row('a', 1, 9, 'old'), row('a', 2, 0, 'new'), row('b', 2, 0, 'new'), row('b', 1, 9, 'old')], new Date(0))).toEqual({
      written: 2,
      skipped: 2,
    });
    expect([await x('a'), await x('b')]).toEqual(['new', 'new']);
    await store.write('v@v1', [row('c', 5, 2, 'created later'), row('c', 5, 1, 'created earlier')], new Date(0));
    await store.write('v@v1', [row('d', 5, 1, 'first'), row('d', 5, 1, 'second')], new Date(0));
    expect([await x('c'), await x('d')]).toEqual(['created later', 'second']);
  });

  it('writes nothing and reports nothing for an empty batch, and leaves no watermark', async () => {
    expect(await store.write('v@v1', [], new Date(5))).toEqual({ written: 0, skipped: 0 });
    expect(await store.watermarks()).toEqual([]);
  });

  it('moves the watermark to the newest applied event, and not at all when told to defer it', async () => {
    await store.write('v@v1', [row('a', 7, 0, 1), row('b', 3, 0, 1)], new Date(100));
    expect(await store.watermarks()).toEqual([{ view: 'v@v1', eventTs: 7, writtenAt: 100 }]);
    await store.write('v@v2', [row('a', 9, 0, 1)], new Date(200), { advanceWatermark: false });
    expect((await store.watermarks()).map((w) => w.view)).toEqual(['v@v1']);
    expect(await x('a', 'v@v2')).toBe(1);
  });

  it('deletes one view version with its watermark, leaving the others', async () => {
    await store.write('v@v1', [row('a', 1, 0, 'one')], new Date(1));
    await store.write('v@v2', [row('a', 1, 0, 'two')], new Date(1));
    await store.deleteView('v@v1');
    expect([await x('a', 'v@v1'), await x('a', 'v@v2')]).toEqual([undefined, 'two']);
    expect((await store.watermarks()).map((w) => w.view)).toEqual(['v@v2']);
  });

  it('samples every item of a view across pages of 1,000, reproducibly and uniformly enough', async () => {
    await store.write(
      'v@v1',
      Array.from({ length: 2500 }, (_, i) => row(`u${i}`, 1, 0, i)),
      new Date(1),
    );
    await store.write('w@v1', [row('other', 1, 0, -1)], new Date(1));
    const all = await store.sample('v@v1', 5000, 1);
    expect(all).toHaveLength(2500);
    expect(new Set(all.map((r) => r.values.x)).size).toBe(2500);
    const a = await store.sample('v@v1', 100, 42);
    expect(await store.sample('v@v1', 100, 42)).toEqual(a);
    expect(a).toHaveLength(100);
    // A reservoir over 2,500 items: a sample of 100 reaches past the first page.
    expect(a.some((r) => (r.values.x as number) >= 1000)).toBe(true);
    expect(a.some((r) => (r.values.x as number) >= 2000)).toBe(true);
  });

  it('closes once and ignores a second close', async () => {
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    store = new SqliteOnlineStore(':memory:');
  });

  describe('an adapter with a key-size bound and small read batches', () => {
    let small: SmallStore;
    beforeEach(() => (small = new SmallStore(':memory:')));
    afterEach(() => small.close());

    it('refuses a key over the bound, naming the row and its size, before writing anything', async () => {
      const long = 'x'.repeat(40);
      const err = await small.write('v@v1', [row('ok', 1, 0, 1), row(long, 1, 0, 2)], new Date(1)).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      const bytes = Buffer.byteLength(k(long));
      expect(err.message).toBe(`row 1: entity key is ${bytes} bytes; the online store accepts at most 40`);
      expect(err.issues).toEqual([{ row: 1, field: 'entity key', message: 'at most 40 bytes' }]);
      expect((await small.read([{ entityKey: k('ok'), view: 'v@v1' }]))[0]).toBeUndefined();
      // A key of exactly the bound is accepted.
      const exact = 'y'.repeat(40 - Buffer.byteLength(k('')));
      expect(Buffer.byteLength(k(exact))).toBe(40);
      await expect(small.write('v@v1', [row(exact, 1, 0, 3)], new Date(1))).resolves.toEqual({ written: 1, skipped: 0 });
    });

    it('reads any number of keys in batches, in request order, each key once', async () => {
      await small.write(
        'v@v1',
        Array.from({ length: 7 }, (_, i) => row(`u${i}`, 1, 0, i)),
        new Date(1),
      );
      const keys = [6, 5, 4, 3, 2, 1, 0, 6, 0].map((i) => ({ entityKey: k(`u${i}`), view: 'v@v1' }));
      expect((await small.read(keys)).map((r) => r?.values.x)).toEqual([6, 5, 4, 3, 2, 1, 0, 6, 0]);
    });
  });
});
