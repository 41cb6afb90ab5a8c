import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { WRITE_BEHIND_DEPTH } from '../../shared/online/sqlite-write-behind.js';
import type { OnlineWrite } from '../../shared/online/types.js';
import { seededRandom } from '../../shared/util/random.js';
import { tempDir } from '../helpers/tmp.js';

// A long run's batches may be applied by a worker thread with its own connection (write-behind).
// Whatever applies them, the stored state and the written / skipped counts must be what one
// `write` per batch gives on the same data: newer-wins against the stored rows, the newest row per
// key within a batch. The oracle is the plain `write` path on a second store.

const VIEW = 'v@v1';

function randomBatches(seed: number): OnlineWrite[][] {
  const rand = seededRandom(seed);
  return Array.from({ length: 12 }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 300) }, () => ({
      // 200 keys, so batches repeat keys within themselves and across each other.
      entityKey: `[["user_id","u${Math.floor(rand() * 200)}"]]`,
      values: { x: Math.floor(rand() * 1000), y: rand() < 0.1 ? null : rand() },
      eventTs: Math.floor(rand() * 50) * 1000,
      createdTs: Math.floor(rand() * 3),
    })),
  );
}

async function stored(store: SqliteOnlineStore) {
  return (await store.sample(VIEW, 1_000, 1)).sort((a, b) => (a.entityKey < b.entityKey ? -1 : 1));
}

describe('SQLite write-behind (batchWriter of a long run)', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it.each([
    [1, 0],
    [2, 0],
    [3, 700],
  ])('stores and counts what one write per batch does (seed %i, worker after %i rows)', async (seed, after) => {
    const batches = randomBatches(seed);
    const oracle = new SqliteOnlineStore(`${tmp.dir}/oracle.sqlite`);
    const store = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`, { writeBehindAfterRows: after });
    try {
      // Some rows are there before the run, newer and older than the run's.
      const before = randomBatches(seed + 100)[0];
      await oracle.write(VIEW, before, new Date(0));
      await store.write(VIEW, before, new Date(0));
      const expected = { written: 0, skipped: 0 };
      for (const b of batches) {
        const r = await oracle.write(VIEW, b, new Date(0), { advanceWatermark: false });
        expected.written += r.written;
        expected.skipped += r.skipped;
      }
      const writer = store.batchWriter(VIEW, new Date(0), { advanceWatermark: false });
      for (const b of batches) await writer.write(b);
      expect(await writer.finish()).toEqual(expected);
      expect(await stored(store)).toEqual(await stored(oracle));
      // The store's own connection reads what the worker's connection committed.
      const keys = batches.flat().map((r) => ({ entityKey: r.entityKey, view: VIEW }));
      expect(await store.read(keys)).toEqual(await oracle.read(keys));
    } finally {
      await oracle.close();
      await store.close();
    }
  });

  it('a batch the database refuses fails the run: a later write or at the latest finish rejects, and nothing after it is applied', async () => {
    const store = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`, { writeBehindAfterRows: 0 });
    try {
      const writer = store.batchWriter(VIEW, new Date(0), { advanceWatermark: false });
      await writer.write([{ entityKey: 'a', values: { x: 1 }, eventTs: 1, createdTs: 0 }]);
      // event_ts is NOT NULL.
      const bad = [{ entityKey: 'b', values: { x: 2 }, eventTs: null as unknown as number, createdTs: 0 }];
      // The refusal reaches the caller on a later write, or at the latest at finish (the worker answers behind the caller's back).
      let failure: unknown;
      try {
        await writer.write(bad);
        await writer.write([{ entityKey: 'c', values: { x: 3 }, eventTs: 1, createdTs: 0 }]);
        await writer.write([{ entityKey: 'd', values: { x: 4 }, eventTs: 1, createdTs: 0 }]);
      } catch (err) {
        failure = err;
      }
      await expect(writer.finish()).rejects.toThrow(/online store write of v@v1 failed: .*NOT NULL/);
      if (failure !== undefined) expect(String((failure as Error).message)).toMatch(/online store write of v@v1 failed: .*NOT NULL/);
      // The batch before the failure was applied; the refused one and those queued behind it were not.
      expect((await stored(store)).map((r) => r.entityKey)).toEqual(['a']);
    } finally {
      await store.close();
    }
  });

  it(`hears of a refused batch on a write at the latest ${WRITE_BEHIND_DEPTH} batches after it`, async () => {
    const store = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`, { writeBehindAfterRows: 0 });
    try {
      const writer = store.batchWriter(VIEW, new Date(0), { advanceWatermark: false });
      await writer.write([{ entityKey: 'bad', values: { x: 0 }, eventTs: null as unknown as number, createdTs: 0 }]);
      let failedAt = -1;
      for (let i = 0; i <= WRITE_BEHIND_DEPTH; i++) {
        try {
          await writer.write([{ entityKey: `k${i}`, values: { x: i }, eventTs: 1, createdTs: 0 }]);
        } catch (err) {
          expect(String((err as Error).message)).toMatch(/NOT NULL/);
          failedAt = i;
          break;
        }
      }
      expect(failedAt).toBeGreaterThanOrEqual(0);
      await expect(writer.finish()).rejects.toThrow(/NOT NULL/);
      expect(await stored(store)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it(`lets the caller run up to ${WRITE_BEHIND_DEPTH} batches ahead of the worker, and no further`, async () => {
    const path = `${tmp.dir}/online.sqlite`;
    const store = new SqliteOnlineStore(path, { writeBehindAfterRows: 0 });
    // Another connection holds the write lock, so the worker cannot apply anything until it lets go.
    const blocker = new Database(path);
    try {
      await store.write(VIEW, [{ entityKey: 'seed', values: { x: 0 }, eventTs: 1, createdTs: 0 }], new Date(0));
      blocker.exec('BEGIN IMMEDIATE');
      const writer = store.batchWriter(VIEW, new Date(0), { advanceWatermark: false });
      const batch = (i: number) => [{ entityKey: `k${i}`, values: { x: i }, eventTs: 1, createdTs: 0 }];
      const stuck = (p: Promise<unknown>) => Promise.race([p.then(() => false), new Promise((r) => setTimeout(() => r(true), 300))]);
      // The first DEPTH - 1 batches are taken without waiting, although none is applied.
      for (let i = 0; i < WRITE_BEHIND_DEPTH - 1; i++) expect(await stuck(writer.write(batch(i)))).toBe(false);
      // The next one makes the caller wait: memory stays bounded however slow the writer is.
      const waiting = writer.write(batch(WRITE_BEHIND_DEPTH - 1));
      expect(await stuck(waiting)).toBe(true);
      blocker.exec('COMMIT');
      await waiting;
      expect(await writer.finish()).toEqual({ written: WRITE_BEHIND_DEPTH, skipped: 0 });
      expect((await stored(store)).length).toBe(WRITE_BEHIND_DEPTH + 1);
    } finally {
      if (blocker.inTransaction) blocker.exec('ROLLBACK');
      blocker.close();
      await store.close();
    }
  });

  it('writes in place (no worker) on an in-memory database, and for batches that advance the watermark', async () => {
    const store = new SqliteOnlineStore(':memory:', { writeBehindAfterRows: 0 });
    try {
      const writer = store.batchWriter(VIEW, new Date(5), {});
      await writer.write([{ entityKey: 'a', values: { x: 1 }, eventTs: 7, createdTs: 0 }]);
      expect(await writer.finish()).toEqual({ written: 1, skipped: 0 });
      expect(await store.watermarks()).toEqual([{ view: VIEW, eventTs: 7, writtenAt: 5 }]);
    } finally {
      await store.close();
    }
  });
});
