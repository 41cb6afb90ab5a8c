import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { seededRandom } from '../../shared/util/random.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { writeParquet } from '../helpers/write-parquet.js';

// Materialization keyed by two entities, against a brute-force latest-per-(user, merchant) oracle on
// random rows (ties on event time broken by created time), and over a source with no files yet.
const user = new Entity({ name: 'user_id', valueType: Str });
const merchant = new Entity({ name: 'merchant_id', valueType: Int64 });
const spend = new FeatureView({
  name: 'spend',
  entities: [user, merchant],
  ttl: 0,
  schema: [new Field({ name: 'amount', dtype: Int64 })],
  source: new FileSource({ path: 'data/spend', timestampField: 'ts', createdTimestampColumn: 'created' }),
});
const empty = new FeatureView({
  name: 'later',
  entities: [user],
  ttl: 0,
  schema: [new Field({ name: 'n', dtype: Int64 })],
  source: new PushSource({
    name: 'later_push',
    batchSource: new FileSource({ name: 'later_files', path: 'data/later', timestampField: 'ts', createdTimestampColumn: 'created' }),
  }),
});

const NOW = new Date('2024-07-01T00:00:00Z');
const DAY = 86_400_000;

describe('Materialize with composite join keys', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  beforeEach(() => {
    tmp = tempDir();
    store = openTestStore(tmp.dir, { now: NOW });
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  it.each([1, 2, 3])('writes the latest row of every (user, merchant) pair in [start, end) — seed %i', async (seed) => {
    const rand = seededRandom(seed);
    const pick = (n: number) => Math.floor(rand() * n);
    const rows = Array.from({ length: 600 }, (_, i) => ({
      user_id: `u${pick(8)}`,
      merchant_id: BigInt(pick(6)),
      // Few distinct times so that equal event times (broken by created) are common.
      ts: new Date(NOW.getTime() - (1 + pick(10)) * DAY),
      // Distinct created times: a full (event, created) tie has no defined winner.
      created: new Date(NOW.getTime() - pick(5) * 1000 - i),
      amount: BigInt(i),
    }));
    await writeParquet(
      join(tmp.dir, 'data/spend/part-0.parquet'),
      [
        { name: 'user_id', type: 'VARCHAR' },
        { name: 'merchant_id', type: 'BIGINT' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'created', type: 'TIMESTAMP' },
        { name: 'amount', type: 'BIGINT' },
      ],
      rows,
    );
    await store.apply([user, merchant, spend]);
    const start = new Date(NOW.getTime() - 8 * DAY);
    const end = new Date(NOW.getTime() - 2 * DAY);

    const oracle = new Map<string, (typeof rows)[number]>();
    for (const r of rows) {
      if (r.ts < start || r.ts >= end) continue;
      const k = `${r.user_id}|${r.merchant_id}`;
      const cur = oracle.get(k);
      if (!cur || r.ts > cur.ts || (r.ts.getTime() === cur.ts.getTime() && r.created >= cur.created)) oracle.set(k, r);
    }
    const [res] = await store.materialize({ start, end });
    expect(res.rows).toBe(oracle.size);

    const users = Array.from({ length: 8 }, (_, u) => `u${u}`);
    const pairs = users.flatMap((u) => Array.from({ length: 6 }, (_, m) => [u, m] as const));
    const out = await store.getOnlineFeatures({
      features: ['spend:amount'],
      entities: { user_id: pairs.map((p) => p[0]), merchant_id: pairs.map((p) => p[1]) },
    });
    const expected = pairs.map(([u, m]) => oracle.get(`${u}|${m}`));
    expect(out.results[2].values).toEqual(expected.map((r) => (r ? Number(r.amount) : null)));
    expect(out.results[2].statuses).toEqual(expected.map((r) => (r ? 'PRESENT' : 'NOT_FOUND')));
    // The same pair with its keys given in the other column order is the same item.
    const swapped = await store.getOnlineFeatures({
      features: ['spend:amount'],
      entities: { merchant_id: pairs.map((p) => p[1]), user_id: pairs.map((p) => p[0]) },
    });
    expect(swapped.results.find((_, i) => swapped.metadata.feature_names[i] === 'amount')!.values).toEqual(out.results[2].values);
  });

  it('materializes nothing, without error, from a push source with a created column and no files yet — and records the interval', async () => {
    await store.apply([user, empty]);
    const [res] = await store.materialize({ start: new Date(NOW.getTime() - DAY), end: NOW });
    expect(res).toMatchObject({ view: 'later@v1', rows: 0, written: 0, skipped: 0 });
    const reg = (await store.registryDump())!;
    expect(reg.materializations['later@v1'].intervals).toEqual([expect.objectContaining({ rows: 0, end: NOW.toISOString() })]);
    expect((await store.freshness()).find((f) => f.view === 'later')).toMatchObject({ watermark: null, status: 'no_sla' });
  });
});
