import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { tempDir } from '../helpers/tmp.js';

const at = new Date('2024-01-01T00:00:00Z');
const key = { entityKey: 'a', view: 'v@v1' };
// Lookups of 8 keys or more go through the cache.
const others = Array.from({ length: 9 }, (_, i) => ({ entityKey: `other${i}`, view: 'v@v1' }));
const readX = async (s: SqliteOnlineStore) => {
  const [r] = await s.readEncoded([key, ...others]);
  return r ? JSON.parse(r.valuesUtf8.toString()).x : undefined;
};

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

  it('sees a write committed by another connection (another worker, a materialization)', async () => {
    await writer.write('v@v1', [{ entityKey: 'a', values: { x: 1 }, eventTs: 1000, createdTs: 0 }], at);
    expect(await readX(reader)).toBe(1);
    expect(await readX(reader)).toBe(1);
    await writer.write('v@v1', [{ entityKey: 'a', values: { x: 2 }, eventTs: 2000, createdTs: 0 }], at);
    expect(await readX(reader)).toBe(2);
  });

  it('sees its own writes and deletes', async () => {
    await reader.write('v@v1', [{ entityKey: 'a', values: { x: 1 }, eventTs: 1000, createdTs: 0 }], at);
    expect(await readX(reader)).toBe(1);
    await reader.write('v@v1', [{ entityKey: 'a', values: { x: 3 }, eventTs: 3000, createdTs: 0 }], at);
    expect(await readX(reader)).toBe(3);
    await reader.deleteView('v@v1');
    expect(await readX(reader)).toBeUndefined();
  });

  it('answers a repeated read of many keys with the same record (served from the cache), a missing key stays missing, and a small read seeks', async () => {
    await writer.write('v@v1', [{ entityKey: 'a', values: { x: 1 }, eventTs: 1000, createdTs: 0 }], at);
    const [first] = await reader.readEncoded([key, { entityKey: 'zz', view: 'v@v1' }, ...others]);
    const [again, missing] = await reader.readEncoded([key, { entityKey: 'zz', view: 'v@v1' }, ...others]);
    expect(again).toBe(first);
    expect(missing).toBeUndefined();
    const [single] = await reader.readEncoded([key]);
    expect(single).not.toBe(first);
    expect(single!.valuesUtf8.equals(first!.valuesUtf8)).toBe(true);
  });
});
