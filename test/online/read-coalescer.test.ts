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
    const alone: unknown[] = [];
    for (const keys of lookups) alone.push(await store.readEncoded(keys));
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
});
