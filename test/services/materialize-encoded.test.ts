import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArrayOf,
  Bool,
  Bytes,
  Entity,
  FeatureView,
  Field,
  FileSource,
  Float32,
  Float64,
  Int32,
  Int64,
  String as Str,
  UnixTimestamp,
} from '../../shared/definitions/index.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { parseConfig } from '../../shared/config/config.js';
import { DuckDBSession, type StageColumn } from '../../shared/offline/duckdb/session.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { encodeWrites, newestEncoded } from '../../shared/online/encoded-writes.js';
import { entityKeyer } from '../../shared/online/entity-key.js';
import { encode, SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import type { OnlineWrite } from '../../shared/online/types.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { seededRandom } from '../../shared/util/random.js';
import { tempDir } from '../helpers/tmp.js';

// Local materialization encodes rows straight from DuckDB's columns (readLatestColumnsFrom →
// writeEncoded). What it stores must be byte for byte what the row-object path stores: the oracle
// is readLatestFrom's rows, keyed by entityKeyer and encoded by `encode`.
const NOW = new Date('2024-07-01T00:00:00Z');
const DAY = 86_400_000;
const user = new Entity({ name: 'user_id', valueType: Str });
const FEATURES = [
  new Field({ name: 'i32', dtype: Int32 }),
  new Field({ name: 'i64', dtype: Int64 }),
  new Field({ name: 'f32', dtype: Float32 }),
  new Field({ name: 'f64', dtype: Float64 }),
  new Field({ name: 's', dtype: Str }),
  new Field({ name: 'b', dtype: Bool }),
  new Field({ name: 'raw', dtype: Bytes }),
  new Field({ name: 'at', dtype: UnixTimestamp }),
  new Field({ name: 'ints', dtype: ArrayOf(Int64) }),
  new Field({ name: 'strs', dtype: ArrayOf(Str) }),
];
const everything = new FeatureView({
  name: 'everything',
  entities: [user],
  ttl: 0,
  schema: FEATURES,
  source: new FileSource({ path: 'data/everything', timestampField: 'ts', createdTimestampColumn: 'created' }),
});

const COLUMNS: StageColumn[] = [
  { name: 'user_id', type: 'VARCHAR' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'created', type: 'TIMESTAMP' },
  { name: 'i32', type: 'INTEGER' },
  { name: 'i64', type: 'BIGINT' },
  { name: 'f32', type: 'FLOAT' },
  { name: 'f64', type: 'DOUBLE' },
  { name: 's', type: 'VARCHAR' },
  { name: 'b', type: 'BOOLEAN' },
  { name: 'raw', type: 'BLOB' },
  { name: 'at', type: 'TIMESTAMP' },
  { name: 'n', type: 'INTEGER' },
];

function randomRows(seed: number, n: number, keys: number) {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const maybe = <T>(v: T) => (rand() < 0.15 ? null : v);
  const doubles = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, 5e-324, -1 / 3, 2 ** 53 + 2, 0.1 + 0.2];
  const strings = ['', 'plain', 'quote " and \\ backslash', 'line\nbreak\ttab', '\u2028\u2029', 'ünïcödé', '日本語', '🙂 emoji', '\u0001control'];
  return Array.from({ length: n }, (_, i) => ({
    user_id: `u${Math.floor(rand() * keys)}`,
    ts: new Date(NOW.getTime() - Math.floor(1 + rand() * 20) * DAY),
    created: maybe(new Date(NOW.getTime() - i * 1000)),
    i32: maybe(Math.floor(rand() * 2 ** 32) - 2 ** 31),
    i64: maybe(pick([0n, -1n, 2n ** 62n + 1n, -(2n ** 63n), BigInt(Math.floor(rand() * 1e12))])),
    f32: maybe(pick([...doubles, rand() * 100])),
    f64: maybe(rand() < 0.5 ? pick(doubles) : (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20)),
    s: maybe(pick(strings) + (rand() < 0.5 ? String(i) : '')),
    b: maybe(rand() < 0.5),
    raw: maybe(new Uint8Array(Array.from({ length: Math.floor(rand() * 6) }, () => Math.floor(rand() * 256)))),
    at: maybe(new Date(Math.floor(rand() * 4e12) - 1e12)),
    n: maybe(Math.floor(rand() * 1000) - 500),
  }));
}

/** The rows as a Parquet file with list columns (built by DuckDB from `n`). */
async function writeSource(path: string, rows: Record<string, unknown>[]): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const db = await DuckDBSession.create();
  try {
    await db.stage('fixture', COLUMNS, rows);
    await db.copyTo(
      `SELECT * EXCLUDE (n), CASE WHEN n IS NULL THEN NULL ELSE [n, -n, NULL, n * 4611686018427387] END::BIGINT[] AS ints,
        CASE WHEN n IS NULL THEN NULL WHEN n % 3 = 0 THEN []::VARCHAR[] ELSE ['é"' || n, NULL] END AS strs FROM fixture`,
      path,
      'parquet',
    );
  } finally {
    db.close();
  }
}

function openStore(dir: string, writeBehindAfterRows: number): FeatureStore {
  const config = parseConfig({ project: 'test', registryCacheSeconds: 0 }, dir, {});
  return new FeatureStore(
    config,
    {
      registryStore: new LocalRegistryStore(join(dir, '.skewless/registry.json')),
      online: new SqliteOnlineStore(join(dir, '.skewless/online.sqlite'), { writeBehindAfterRows }),
      offline: new LocalOfflineStore({ repoDir: dir }),
    },
    { now: () => NOW },
  );
}

interface StoredRow {
  entity_key: string;
  features: string;
  event_ts: number;
  created_ts: number;
}

function storedRows(dir: string): StoredRow[] {
  const db = new Database(join(dir, '.skewless/online.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT entity_key, features, event_ts, created_ts FROM online_features ORDER BY entity_key').all() as StoredRow[];
  } finally {
    db.close();
  }
}

/** The row-object path's rows for the window, as the store would hold them. */
async function oracleRows(dir: string, start: Date, end: Date): Promise<StoredRow[]> {
  const offline = new LocalOfflineStore({ repoDir: dir });
  const spec = (await openStore(dir, 0).registry()).view('everything@v1');
  const keyOf = entityKeyer(spec.joinKeys);
  const out: StoredRow[] = [];
  try {
    const files = await offline.listSourceFiles(spec);
    for await (const batch of offline.readLatestFrom(spec, files, start, end)) {
      for (const r of batch)
        out.push({ entity_key: keyOf(r.keys), features: encode(r.values), event_ts: r.eventTs.getTime(), created_ts: r.createdTs?.getTime() ?? 0 });
    }
  } finally {
    await offline.close();
  }
  return out.sort((a, b) => (a.entity_key < b.entity_key ? -1 : a.entity_key > b.entity_key ? 1 : 0));
}

describe('Materialize, local → SQLite, rows encoded from the columns', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  it.each([
    [1, 0],
    [2, Number.POSITIVE_INFINITY],
    [3, 120],
  ])('stores byte for byte what the row path encodes, every dtype (seed %i, worker after %d rows)', async (seed, after) => {
    await writeSource(join(tmp.dir, 'data/everything/part-0.parquet'), randomRows(seed, 900, 400));
    const store = openStore(tmp.dir, after);
    const [start, end] = [new Date(NOW.getTime() - 15 * DAY), NOW];
    try {
      await store.apply([user, everything]);
      const [res] = await store.materialize({ start, end, batchSize: 37 });
      const expected = await oracleRows(tmp.dir, start, end);
      expect(expected.length).toBeGreaterThan(200);
      expect(res).toMatchObject({ rows: expected.length, written: expected.length, skipped: 0 });
      const stored = storedRows(tmp.dir);
      expect(stored.map((r) => r.entity_key)).toEqual(expected.map((r) => r.entity_key));
      for (let i = 0; i < stored.length; i++) expect(stored[i]).toEqual(expected[i]);
      // The awkward values did reach the store (the data is not accidentally tame).
      const text = stored.map((r) => r.features).join('\n');
      for (const needle of ['"f64":null', '"i64":"4611686018427387905"', '\\u0001', '🙂', '"ints":[', '"strs":[]'])
        expect(text.includes(needle), needle).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('a batch the worker cannot write fails the run: the chunk stays unchecked, the watermark unmoved, and the rerun completes to the oracle', async () => {
    await writeSource(join(tmp.dir, 'data/everything/part-0.parquet'), randomRows(7, 900, 400));
    const [start, end] = [new Date(NOW.getTime() - 15 * DAY), NOW];
    let store = openStore(tmp.dir, 0);
    let expected: StoredRow[] = [];
    try {
      await store.apply([user, everything]);
      expected = await oracleRows(tmp.dir, start, end);
      // A key in the middle of the run is refused by the database itself (on the worker's connection).
      const refused = expected[Math.floor(expected.length / 2)].entity_key;
      const other = new Database(join(tmp.dir, '.skewless/online.sqlite'));
      other.exec('CREATE TABLE refused (entity_key TEXT)');
      other.prepare('INSERT INTO refused VALUES (?)').run(refused);
      other.exec(
        `CREATE TRIGGER refuse BEFORE INSERT ON online_features WHEN NEW.entity_key IN (SELECT entity_key FROM refused) BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
      );
      other.close();
      await expect(store.materialize({ start, end, batchSize: 37 })).rejects.toThrow(/online store write of everything@v1 failed: refused by the test/);
      expect((await store.freshness(NOW)).find((v) => v.view === 'everything')?.watermark ?? null).toBeNull();
      const partial = storedRows(tmp.dir);
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.map((r) => r.entity_key)).not.toContain(refused);
      // Batches after the refused one were not applied (the worker stops at the first failure).
      expect(partial.length).toBeLessThan(expected.length);
      // The run is still open and its (only) chunk unchecked: the rerun redoes it.
      const checkpoints = new LocalOfflineStore({ repoDir: tmp.dir }).checkpoints();
      const [open] = await checkpoints.openRuns('everything@v1');
      expect(open.chunks).toHaveLength(1);
      expect((await checkpoints.doneChunks(open)).size).toBe(0);
    } finally {
      await store.close();
    }
    const fix = new Database(join(tmp.dir, '.skewless/online.sqlite'));
    fix.exec('DROP TRIGGER refuse');
    fix.close();
    store = openStore(tmp.dir, 0);
    try {
      const [res] = await store.materialize({ start, end, batchSize: 37 });
      expect(res.rows).toBe(expected.length);
      expect(storedRows(tmp.dir)).toEqual(expected);
      const newest = Math.max(...expected.map((r) => r.event_ts));
      expect((await store.freshness(NOW)).find((v) => v.view === 'everything')?.watermark).toBe(new Date(newest).toISOString());
    } finally {
      await store.close();
    }
  });
});

describe('Function: newestEncoded', () => {
  it.each([1, 2, 3, 4])('keeps the newest row of each key in key order, as a brute-force oracle (seed %i)', (seed) => {
    const rand = seededRandom(seed);
    const rows: OnlineWrite[] = Array.from({ length: 300 }, (_, i) => ({
      entityKey: `k${Math.floor(rand() * 60)}`,
      values: { i },
      // Few distinct times, so ties on event time (and on both times) are common.
      eventTs: Math.floor(rand() * 4),
      createdTs: Math.floor(rand() * 3),
    }));
    // Oracle: for each key, the row with the greatest (event, created), the later one on a full tie.
    const best = new Map<string, OnlineWrite>();
    for (const r of rows) {
      const b = best.get(r.entityKey);
      if (!b || r.eventTs > b.eventTs || (r.eventTs === b.eventTs && r.createdTs >= b.createdTs)) best.set(r.entityKey, r);
    }
    const want = [...best.values()].sort((a, b) => (a.entityKey < b.entityKey ? -1 : 1));
    const got = newestEncoded(encodeWrites(rows));
    expect(got.entityKeys).toEqual(want.map((r) => r.entityKey));
    expect(got.valuesJson).toEqual(want.map((r) => encode(r.values)));
    expect(got.eventTs).toEqual(want.map((r) => r.eventTs));
    expect(got.createdTs).toEqual(want.map((r) => r.createdTs));
  });

  it('returns a batch already strictly in key order as it is', () => {
    const b = encodeWrites([
      { entityKey: 'a', values: {}, eventTs: 1, createdTs: 0 },
      { entityKey: 'b', values: {}, eventTs: 1, createdTs: 0 },
    ]);
    expect(newestEncoded(b)).toBe(b);
  });
});
