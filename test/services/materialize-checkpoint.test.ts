import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeatureStore } from '../../shared/feature-store.js';
import { parseConfig } from '../../shared/config/config.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import type { OnlineStore } from '../../shared/online/online-store.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { seededRandom } from '../../shared/util/random.js';
import { testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';
import { latestPerUser, type ActivityRow } from '../helpers/latest-oracle.js';

const T = (d: number, h = 0) => new Date(Date.UTC(2024, 2, d, h));
type Row = ActivityRow;

/** An online store that dies (like `kill -9`) on its `failAt`-th batch write (a `write`, or a batch writer's), and counts them. */
function crashingOnline(inner: OnlineStore, state: { failAt: number; calls: number }): OnlineStore {
  const crashPoint = () => {
    if (++state.calls === state.failAt) throw new Error('injected crash between batches');
  };
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === 'write') {
        return async (...args: Parameters<OnlineStore['write']>) => {
          crashPoint();
          return target.write(...args);
        };
      }
      if (prop === 'batchWriter') {
        return (...args: Parameters<OnlineStore['batchWriter']>) => {
          const writer = target.batchWriter(...args);
          return {
            write: async (rows: Parameters<typeof writer.write>[0]) => {
              crashPoint();
              return writer.write(rows);
            },
            // The path a local materialization takes (rows encoded straight from DuckDB's columns).
            ...(writer.writeEncoded && {
              writeEncoded: async (rows: Parameters<NonNullable<typeof writer.writeEncoded>>[0]) => {
                crashPoint();
                return writer.writeEncoded!(rows);
              },
            }),
            finish: () => writer.finish(),
          };
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

const oracle = latestPerUser;

function randomRows(seed: number, n: number, users: number): Row[] {
  const rand = seededRandom(seed);
  // Created times are unique per row, so (event, created) never ties and the oracle's winner is unique.
  return Array.from({ length: n }, (_, i) => {
    // Within the view's 7-day ttl of the clock (T(11)), so lookups return values, not OUTSIDE_MAX_AGE.
    const event = new Date(T(4, 1).getTime() + Math.floor(rand() * 6 * 24) * 3600_000);
    return {
      user_id: `u${Math.floor(rand() * users)}`,
      event_date: event,
      created_at: new Date(event.getTime() + i * 1000),
      sessions: Math.floor(rand() * 1000),
      model: `m${Math.floor(rand() * 5)}`,
    };
  });
}

describe('Service: materialize (chunked, checkpointed, local provider)', () => {
  let tmp = tempDir();
  const clock = { now: T(11) };
  const defs = testDefinitions();
  const crash = { failAt: Number.POSITIVE_INFINITY, calls: 0 };
  let sqlite: SqliteOnlineStore;
  let store: FeatureStore;
  let offline: LocalOfflineStore;
  const registryPath = () => join(tmp.dir, '.skewless/registry.json');

  beforeEach(async () => {
    Object.assign(crash, { failAt: Number.POSITIVE_INFINITY, calls: 0 });
    sqlite = new SqliteOnlineStore(join(tmp.dir, '.skewless/online.sqlite'));
    offline = new LocalOfflineStore({ repoDir: tmp.dir });
    store = new FeatureStore(
      parseConfig({ project: 'test', registryCacheSeconds: 0 }, tmp.dir, {}),
      {
        registryStore: new LocalRegistryStore(registryPath()),
        online: crashingOnline(sqlite, crash),
        offline,
      },
      { now: () => clock.now },
    );
    await store.apply(defs.all);
  });
  afterEach(async () => {
    await store.close();
    tmp.cleanup();
    tmp = tempDir();
  });

  async function onlineState(users: string[]) {
    const res = await store.getOnlineFeatures({ features: ['activity:sessions', 'activity:model'], entities: { user_id: users } });
    return users.map((u, j) => ({
      u,
      sessions: res.results[1].values[j],
      model: res.results[2].values[j],
      status: res.results[1].statuses[j],
      ts: res.results[1].event_timestamps[j],
    }));
  }

  function expectOracle(state: Awaited<ReturnType<typeof onlineState>>, expected: Map<string, Row>) {
    for (const s of state) {
      const want = expected.get(s.u);
      if (!want) expect(s.status, s.u).toBe('NOT_FOUND');
      else
        expect({ u: s.u, sessions: s.sessions, model: s.model, ts: s.ts }).toEqual({
          u: s.u,
          sessions: want.sessions,
          model: want.model,
          ts: want.event_date.toISOString(),
        });
    }
  }

  it('a crash between batches leaves the watermark where it was, and the rerun resumes to the brute-force oracle', async () => {
    // Prepare: 12,000 keys in one file (more than one 5,000-row read batch), 3 files in all.
    const rows = randomRows(7, 30_000, 12_000);
    for (let f = 0; f < 3; f++) await writeParquet(join(tmp.dir, `data/activity/p${f}.parquet`), ACTIVITY_COLUMNS, rows.slice(f * 10_000, (f + 1) * 10_000));
    const [start, end] = [T(1), T(11)];
    crash.failAt = 3;

    // Act: the run dies after two batches were written.
    await expect(store.materialize({ start, end, views: ['activity'] })).rejects.toThrow(/injected crash/);

    // Assess: rows are missing online, so neither the watermark nor the registry may claim the window.
    const [fresh] = (await store.freshness(T(11))).filter((v) => v.view === 'activity');
    expect(fresh.watermark).toBeNull();
    expect(fresh.status).toBe('stale');
    expect(JSON.parse(readFileSync(registryPath(), 'utf8')).materializations['activity@v1']).toBeUndefined();

    // Act: rerun (same window → same run, resumed).
    crash.failAt = Number.POSITIVE_INFINITY;
    const [res] = await store.materialize({ start, end, views: ['activity'] });
    const expected = oracle(rows, start, end);
    const users = Array.from({ length: 12_050 }, (_, i) => `u${i}`);
    expectOracle(await onlineState(users), expected);
    const newest = Math.max(...[...expected.values()].map((r) => r.event_date.getTime()));
    expect((await store.freshness(T(11))).find((v) => v.view === 'activity')!.watermark).toBe(new Date(newest).toISOString());
    expect(res.rows).toBe(expected.size);
  });

  it('resumes a chunked run at the first unfinished chunk: finished chunks are not read again, none is skipped', async () => {
    // Prepare: 8 files → 8 chunks (1-byte target), 40-row write batches, crash inside the 4th chunk.
    const rows = randomRows(11, 8 * 300, 400);
    for (let f = 0; f < 8; f++) await writeParquet(join(tmp.dir, `data/activity/p${f}.parquet`), ACTIVITY_COLUMNS, rows.slice(f * 300, (f + 1) * 300));
    const reads: string[][] = [];
    // A local materialization reads through readLatestColumnsFrom.
    const readFrom = offline.readLatestColumnsFrom.bind(offline);
    offline.readLatestColumnsFrom = (view, files, s, e) => (reads.push(files.map((f) => f.path.split('/').pop()!)), readFrom(view, files, s, e));
    const opts = { start: T(1), end: T(11), views: ['activity'], chunkBytes: 1, batchSize: 40 };
    const batchesPerChunk = await Promise.all(Array.from({ length: 8 }, (_, f) => oracle(rows.slice(f * 300, (f + 1) * 300), T(1), T(11)).size)).then((n) =>
      n.map((x) => Math.ceil(x / 40)),
    );
    crash.failAt = batchesPerChunk[0] + batchesPerChunk[1] + batchesPerChunk[2] + 2;

    await expect(store.materialize(opts)).rejects.toThrow(/injected crash/);
    expect(reads).toEqual([['p0.parquet'], ['p1.parquet'], ['p2.parquet'], ['p3.parquet']]);
    expect((await store.freshness(T(11))).find((v) => v.view === 'activity')!.watermark).toBeNull();

    crash.failAt = Number.POSITIVE_INFINITY;
    reads.length = 0;
    await store.materialize(opts);
    // Chunks 0–2 were checkpointed: not read again. Chunk 3 died mid-way: redone. 4–7: done once.
    expect(reads).toEqual(['p3', 'p4', 'p5', 'p6', 'p7'].map((p) => [`${p}.parquet`]));
    const users = Array.from({ length: 410 }, (_, i) => `u${i}`);
    expectOracle(await onlineState(users), oracle(rows, T(1), T(11)));
  });

  it('keeps the registry bounded: 40 incremental runs leave one merged interval', async () => {
    await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, randomRows(3, 500, 50));
    for (let h = 1; h <= 40; h++) {
      clock.now = T(10, h); // each hourly run ends at the store's clock (ends in the future are refused)
      await store.materializeIncremental({ end: T(10, h), views: ['activity'] });
    }
    const intervals = JSON.parse(readFileSync(registryPath(), 'utf8')).materializations['activity@v1'].intervals;
    expect(intervals).toHaveLength(1);
    expect(intervals[0]).toMatchObject({ start: T(3, 1).toISOString(), end: T(11, 16).toISOString() });
  });

  it('a no-op apply does not rewrite the registry', async () => {
    const before = readFileSync(registryPath(), 'utf8');
    const mtime = statSync(registryPath()).mtimeMs;
    const plan = await store.apply(defs.all);
    expect(plan.changes).toEqual([]);
    expect(readFileSync(registryPath(), 'utf8')).toBe(before);
    expect(statSync(registryPath()).mtimeMs).toBe(mtime);
  });
});
