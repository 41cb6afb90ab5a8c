import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadCoalescer } from '../../shared/online/read-coalescer.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { seededRandom } from '../../shared/util/random.js';
import { tempDir } from '../helpers/tmp.js';

describe('ReadCoalescer: reads of one event-loop turn answered together', () => {
  it('gives each caller its own keys’ answers, in order, from one read per turn (randomized, vs the oracle)', async () => {
    for (const seed of [1, 2, 3]) {
      const rand = seededRandom(seed);
      const stored = new Map<string, string>(Array.from({ length: 30 }, (_, i) => [`k${i}`, `row ${i}`]));
      const reads: (readonly string[])[] = [];
      const c = new ReadCoalescer<string, string>(async (keys) => (reads.push(keys), keys.map((k) => stored.get(k))));
      for (let turn = 0; turn < 5; turn++) {
        const asks = Array.from({ length: 1 + Math.floor(rand() * 8) }, () =>
          Array.from({ length: Math.floor(rand() * 7) }, () => `k${Math.floor(rand() * 40)}`),
        );
        const before = reads.length;
        const got = await Promise.all(asks.map((keys) => c.read(keys)));
        expect(got).toEqual(asks.map((keys) => keys.map((k) => stored.get(k))));
        expect(reads.length - before).toBe(1);
      }
    }
  });

  it('coalesces reads issued from separate callbacks of one event-loop turn (as serve issues them, one per connection)', async () => {
    const reads: (readonly string[])[] = [];
    const c = new ReadCoalescer<string, string>(async (keys) => (reads.push(keys), keys.map((k) => k.toUpperCase())));
    // Each immediate callback is a macrotask of its own, with the microtasks drained in between; all four
    // run in one check phase (timers of 0 ms may straddle a millisecond and expire in two turns).
    const got = await Promise.all(
      ['a', 'b', 'c', 'd'].map((k) => new Promise<(string | undefined)[]>((resolve) => setImmediate(() => void c.read([k]).then(resolve)))),
    );
    expect(got).toEqual([['A'], ['B'], ['C'], ['D']]);
    expect(reads).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('reads of separate turns are separate reads', async () => {
    let reads = 0;
    const c = new ReadCoalescer<string, string>(async (keys) => (reads++, keys.map((k) => k.toUpperCase())));
    expect(await c.read(['a'])).toEqual(['A']);
    expect(await c.read(['b', 'c'])).toEqual(['B', 'C']);
    expect(reads).toBe(2);
  });

  it('a failed read rejects every caller of its batch, and the next turn reads again', async () => {
    let fail = true;
    const c = new ReadCoalescer<string, string>(async (keys) => {
      if (fail) throw new Error('database is locked');
      return [...keys];
    });
    const results = await Promise.allSettled([c.read(['a']), c.read(['b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await c.read(['a'])).toEqual(['a']);
  });
});

/**
 * Sets every row to x = 2 from another connection right after the first call of better-sqlite3's
 * Statement#`method` (as another process committing at that moment would); counts the calls.
 */
function commitAfterFirst(method: 'all' | 'get', file: string) {
  const statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1'));
  const original = statement[method];
  let calls = 0;
  const spy = vi.spyOn(statement, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
    const out = original.apply(this, args);
    if (++calls === 1) new Database(file).prepare(`UPDATE online_features SET features = '{"x":2}', event_ts = 2`).run();
    return out;
  });
  return { calls: () => calls, restore: () => spy.mockRestore() };
}

describe('SqliteOnlineStore: small lookups of concurrent requests share one statement', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: SqliteOnlineStore;
  const at = new Date('2024-01-01T00:00:00Z');
  beforeEach(() => {
    tmp = tempDir();
    store = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  it('answers each of many concurrent small lookups (repeats, missing keys, two views) as a lookup alone would, with one statement per view', async () => {
    for (const view of ['a@v1', 'b@v1'])
      await store.write(
        view,
        Array.from({ length: 20 }, (_, i) => ({ entityKey: `e${i}`, values: { x: i, view }, eventTs: 1000 + i, createdTs: 0 })),
        at,
      );
    const rand = seededRandom(7);
    const lookups = Array.from({ length: 12 }, () =>
      Array.from({ length: 1 + Math.floor(rand() * 6) }, () => ({ entityKey: `e${Math.floor(rand() * 25)}`, view: rand() < 0.5 ? 'a@v1' : 'b@v1' })),
    );
    // The oracle: each lookup alone, through a connection of its own (its row cache is not this store's).
    const oracle = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`);
    const alone: unknown[] = [];
    for (const keys of lookups) alone.push(await oracle.readEncoded(keys));
    await oracle.close();
    // Counted on better-sqlite3's Statement: what the store runs.
    const statement = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1'));
    const all = vi.spyOn(statement, 'all');
    try {
      const together = await Promise.all(lookups.map((keys) => store.readEncoded(keys)));
      expect(together).toEqual(alone);
      expect(all).toHaveBeenCalledTimes(2);
    } finally {
      all.mockRestore();
    }
  });

  it('more keys than one statement takes are read in one transaction: no caller sees a view from two snapshots', async () => {
    const writer = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`);
    const rows = (x: number) => Array.from({ length: 700 }, (_, i) => ({ entityKey: `e${i}`, values: { x }, eventTs: x, createdTs: 0 }));
    await writer.write('a@v1', rows(1), at);
    // 100 concurrent 7-key lookups: 700 distinct keys, two statements of at most 400.
    const lookups = Array.from({ length: 100 }, (_, r) => Array.from({ length: 7 }, (_, i) => ({ entityKey: `e${r * 7 + i}`, view: 'a@v1' })));
    // Another connection commits between the two statements (as a materialization could).
    const commit = commitAfterFirst('all', `${tmp.dir}/online.sqlite`);
    try {
      const got = await Promise.all(lookups.map((keys) => store.readEncoded(keys)));
      expect(commit.calls()).toBe(2);
      const xs = new Set(got.flat().map((r) => JSON.parse(r!.valuesUtf8.toString()).x));
      expect(xs).toEqual(new Set([1]));
    } finally {
      commit.restore();
      await writer.close();
    }
  });

  it('hits and misses of one read are one snapshot: a commit between the cache check and the select shows in neither', async () => {
    await store.write('a@v1', [{ entityKey: 'e0', values: { x: 1 }, eventTs: 1, createdTs: 0 }], at);
    await store.write('b@v1', [{ entityKey: 'e0', values: { x: 1 }, eventTs: 1, createdTs: 0 }], at);
    const both = [
      { entityKey: 'e0', view: 'a@v1' },
      { entityKey: 'e0', view: 'b@v1' },
    ];
    const xs = async () => (await store.readEncoded(both)).map((r) => JSON.parse(r!.valuesUtf8.toString()).x);
    // a@v1's row is cached, b@v1's is not.
    await store.readEncoded([both[0]]);
    // Another connection commits both views' rows right after the cache's version check (PRAGMA data_version).
    const commit = commitAfterFirst('get', `${tmp.dir}/online.sqlite`);
    try {
      expect(await xs()).toEqual([1, 1]);
      expect(commit.calls()).toBe(1);
    } finally {
      commit.restore();
    }
    expect(await xs()).toEqual([2, 2]);
  });

  it('pads key lists to size classes: lookups of every size from 9 to 400 keys prepare at most 6 statements more', async () => {
    await store.write('a@v1', [{ entityKey: 'e1', values: { x: 1 }, eventTs: 1, createdTs: 0 }], at);
    const db = Object.getPrototypeOf(new Database(':memory:'));
    const prepare = vi.spyOn(db, 'prepare');
    try {
      for (let n = 9; n <= 400; n++) {
        const keys = Array.from({ length: n }, (_, i) => ({ entityKey: `e${i}`, view: 'a@v1' }));
        const got = await store.read(keys);
        expect(got.filter(Boolean)).toHaveLength(1);
      }
      // 16, 32, 64, 128, 256, 512.
      expect(prepare.mock.calls.length).toBeLessThanOrEqual(6);
    } finally {
      prepare.mockRestore();
    }
  });

  it('a lookup after another connection committed is not answered from rows cached before the commit, whichever read noticed it', async () => {
    const writer = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`);
    const many = Array.from({ length: 9 }, (_, i) => ({ entityKey: `e${i}`, view: 'a@v1' }));
    const others = Array.from({ length: 9 }, (_, i) => ({ entityKey: `o${i}`, view: 'a@v1' }));
    try {
      await writer.write('a@v1', [{ entityKey: 'e0', values: { x: 1 }, eventTs: 1, createdTs: 0 }], at);
      // Reads and caches x = 1 (synchronously, in the call).
      const reading = store.readEncoded(many);
      // Another connection commits synchronously (as another process would, any time).
      new Database(`${tmp.dir}/online.sqlite`).prepare(`UPDATE online_features SET features = '{"x":2}', event_ts = 2 WHERE entity_key = 'e0'`).run();
      // A read in between sees the commit and drops the cache.
      const between = store.readEncoded(others);
      await Promise.all([reading, between]);
      const [again] = await store.readEncoded(many);
      expect(JSON.parse(again!.valuesUtf8.toString()).x).toBe(2);
    } finally {
      await writer.close();
    }
  });

  it('a lookup after a write of the same connection is not answered from the row the write replaced', async () => {
    const many = Array.from({ length: 9 }, (_, i) => ({ entityKey: `e${i}`, view: 'a@v1' }));
    await store.write('a@v1', [{ entityKey: 'e0', values: { x: 1 }, eventTs: 1, createdTs: 0 }], at);
    // The read caches x = 1 in the call; the write comes while its answer is awaited.
    const reading = store.readEncoded(many);
    const writing = store.write('a@v1', [{ entityKey: 'e0', values: { x: 2 }, eventTs: 2, createdTs: 0 }], at);
    await Promise.all([reading, writing]);
    const [again] = await store.readEncoded(many);
    expect(JSON.parse(again!.valuesUtf8.toString()).x).toBe(2);
  });
});
