import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { RowCache } from '../../shared/online/sqlite-row-cache.js';
import { tempDir } from '../helpers/tmp.js';

const at = new Date('2024-01-01T00:00:00Z');
const key = { entityKey: 'a', view: 'v@v1' };
// Lookups of 8 keys or more are read on their own, smaller ones coalesced: both go through the cache.
const others = Array.from({ length: 9 }, (_, i) => ({ entityKey: `other${i}`, view: 'v@v1' }));
const SIZES = { 'a small lookup': [key], 'a lookup of many keys': [key, ...others] };

// Lookups read through a row cache: it must never serve a value a write has replaced, whoever wrote it.
describe('SqliteOnlineStore: the encoded read path and its row cache', () => {
  let tmp: ReturnType<typeof tempDir>;
  let reader: SqliteOnlineStore;
  let writer: SqliteOnlineStore;
  beforeEach(() => {
    tmp = tempDir();
    reader = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`);
    writer = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`);
  });
  afterEach(async () => (await reader.close(), await writer.close(), tmp.cleanup()));

  for (const [name, keys] of Object.entries(SIZES)) {
    const readX = async (s: SqliteOnlineStore) => {
      const [r] = await s.readEncoded(keys);
      return r ? JSON.parse(r.valuesUtf8.toString()).x : undefined;
    };

    it(`${name} sees a write committed by another connection (another worker, a materialization)`, async () => {
      await writer.write('v@v1', [{ entityKey: 'a', values: { x: 1 }, eventTs: 1000, createdTs: 0 }], at);
      expect(await readX(reader)).toBe(1);
      expect(await readX(reader)).toBe(1);
      await writer.write('v@v1', [{ entityKey: 'a', values: { x: 2 }, eventTs: 2000, createdTs: 0 }], at);
      expect(await readX(reader)).toBe(2);
    });

    it(`${name} sees its own connection's writes and deletes`, async () => {
      await reader.write('v@v1', [{ entityKey: 'a', values: { x: 1 }, eventTs: 1000, createdTs: 0 }], at);
      expect(await readX(reader)).toBe(1);
      await reader.write('v@v1', [{ entityKey: 'a', values: { x: 3 }, eventTs: 3000, createdTs: 0 }], at);
      expect(await readX(reader)).toBe(3);
      await reader.deleteView('v@v1');
      expect(await readX(reader)).toBeUndefined();
    });
  }

  it('answers a repeated read with the same record (served from the cache), small or large, and a missing key stays missing', async () => {
    await writer.write('v@v1', [{ entityKey: 'a', values: { x: 1 }, eventTs: 1000, createdTs: 0 }], at);
    const [first] = await reader.readEncoded([key, { entityKey: 'zz', view: 'v@v1' }, ...others]);
    const [again, missing] = await reader.readEncoded([key, { entityKey: 'zz', view: 'v@v1' }, ...others]);
    expect(again).toBe(first);
    expect(missing).toBeUndefined();
    // A 1-entity lookup (serve's usual request) skips the B-tree too, and fills the cache for others.
    const [single, singleMissing] = await Promise.all([reader.readEncoded([key]), reader.readEncoded([{ entityKey: 'zz', view: 'v@v1' }])]);
    expect(single[0]).toBe(first);
    expect(singleMissing).toEqual([undefined]);
    const [fresh] = await reader.readEncoded([{ entityKey: 'other0', view: 'v@v1' }]);
    expect(fresh).toBeUndefined();
    await writer.write('v@v1', [{ entityKey: 'b', values: { x: 5 }, eventTs: 1000, createdTs: 0 }], at);
    const [b1] = await reader.readEncoded([{ entityKey: 'b', view: 'v@v1' }]);
    const [b2] = await reader.readEncoded([{ entityKey: 'b', view: 'v@v1' }, ...others]);
    expect(b2).toBe(b1);
  });

  it('answers every key of a cached read, a missing one as an explicit undefined (callers map over the answer)', async () => {
    await writer.write('v@v1', [{ entityKey: 'a', values: { x: 1 }, eventTs: 1000, createdTs: 0 }], at);
    for (let round = 0; round < 2; round++) {
      const got = await reader.readEncoded([{ entityKey: 'zz', view: 'v@v1' }, key, ...others]);
      expect(got).toHaveLength(others.length + 2);
      expect(got.map((r) => (r ? 'found' : 'missing'))).toEqual(['missing', 'found', ...others.map(() => 'missing')]);
    }
  });
});

describe('RowCache', () => {
  it('keeps at most maxRows rows across views, the oldest of the view being written going first', () => {
    const db = new Database(':memory:');
    const cache = new RowCache<number>(db, 3);
    cache.sync();
    cache.set('a', 'k1', 1);
    cache.set('a', 'k2', 2);
    cache.set('b', 'k1', 3);
    cache.set('a', 'k2', 22);
    expect([cache.get('a', 'k1'), cache.get('a', 'k2'), cache.get('b', 'k1')]).toEqual([1, 22, 3]);
    cache.set('a', 'k3', 4);
    expect([cache.get('a', 'k1'), cache.get('a', 'k2'), cache.get('a', 'k3'), cache.get('b', 'k1')]).toEqual([undefined, 22, 4, 3]);
    cache.set('c', 'k1', 5);
    expect([cache.get('a', 'k2'), cache.get('a', 'k3'), cache.get('b', 'k1'), cache.get('c', 'k1')].filter((v) => v !== undefined)).toHaveLength(3);
    expect(cache.get('c', 'k1')).toBe(5);
    db.close();
  });
});
