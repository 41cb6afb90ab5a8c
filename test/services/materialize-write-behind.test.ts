import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticRepo } from '../../bench/lib/synthetic-repo.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteString } from '../../shared/offline/sql/quote.js';
import { seededRandom } from '../../shared/util/random.js';
import { tempDir } from '../helpers/tmp.js';

// A materialization large enough that the SQLite store hands its batches to the write-behind worker
// (past 20,000 rows) must serve what a brute-force latest-row-per-key over the source file says.
describe('materialize through the SQLite write-behind worker', () => {
  const tmp = tempDir();
  const ENTITIES = 25_000;
  let store: FeatureStore;
  let features: string[];
  const latest = new Map<string, { ts: number; values: Record<string, unknown> }>();

  beforeAll(async () => {
    const repo = await syntheticRepo(tmp.dir, { entities: ENTITIES, features: 3, rowsPerEntity: 2 });
    features = repo.features;
    const db = await DuckDBSession.create();
    try {
      for (const r of await db.all(`SELECT * FROM read_parquet(${quoteString(join(tmp.dir, 'data/features.parquet'))})`)) {
        const ts = (r.event_timestamp as Date).getTime();
        const cur = latest.get(r.user_id as string);
        if (!cur || ts > cur.ts) latest.set(r.user_id as string, { ts, values: { f0: r.f0, f1: r.f1, f2: r.f2 } });
      }
    } finally {
      db.close();
    }
    store = await FeatureStore.open(tmp.dir);
    await store.apply(repo.definitions);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    tmp.cleanup();
  });

  it('writes every key once, and serves the newest row of each', async () => {
    const [result] = await store.materialize({ start: new Date(0), end: new Date('2025-01-01T00:00:00Z') });
    expect(result).toMatchObject({ rows: ENTITIES, written: ENTITIES, skipped: 0 });
    const rand = seededRandom(4);
    const ids = Array.from({ length: 2_000 }, () => `u${Math.floor(rand() * ENTITIES)}`);
    for (let i = 0; i < ids.length; i += 500) {
      const batch = ids.slice(i, i + 500);
      const res = await store.getOnlineFeatures({ features, entities: { user_id: batch } });
      batch.forEach((id, j) => {
        const want = latest.get(id)!;
        expect(res.results.slice(1).map((c) => c.values[j])).toEqual([want.values.f0, want.values.f1, want.values.f2]);
        expect(res.results[1].event_timestamps[j]).toBe(new Date(want.ts).toISOString());
      });
    }
    // The watermark is the newest event of the window, recorded once every batch was applied.
    const newest = Math.max(...[...latest.values()].map((v) => v.ts));
    expect((await store.freshness()).find((f) => f.view.startsWith('bench_view'))?.watermark).toBe(new Date(newest).toISOString());
  }, 120_000);
});
