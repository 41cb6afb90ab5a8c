import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../shared/aws/clients.js';
import { Entity, FeatureView, Field, FileSource, Int64, String as Str } from '../../shared/definitions/index.js';
import { readRowGroups } from '../../shared/offline/athena/s3-parquet.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import type { LatestRow, OfflineStore } from '../../shared/offline/offline-store.js';
import { planApply } from '../../shared/registry/plan.js';
import { Registry } from '../../shared/registry/registry.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { emptyRegistry, type FeatureViewSpec } from '../../shared/registry/types.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { freshAthenaOfflineStore, useAthenaDouble } from '../helpers/athena.js';
import { tempDir } from '../helpers/tmp.js';
import { SourceFileMissingError } from '../../shared/errors.js';

const DAY = 86400_000;
const T0 = Date.UTC(2024, 0, 1);
const [START, END] = [new Date(T0 + 5 * DAY), new Date(T0 + 20 * DAY)];

interface SourceRow {
  user_id: string | null;
  region: number | null;
  ts: Date | null;
  created?: Date | null;
  value: number | null;
  label: string;
}

/**
 * Random source rows over 30 days (the window is days 5–20): composite keys (String, Int64) with
 * nulls, ties on event ts that only the created ts decides (and missing created ts, which sort
 * lowest), rows exactly on both window bounds, rows outside the window.
 */
function makeRows(rand: () => number, created: boolean): SourceRow[] {
  const rows: SourceRow[] = [];
  const n = randomInt(rand, 1500, 2500);
  for (let i = 0; i < n; i++) {
    const user_id = rand() < 0.01 ? null : `u${randomInt(rand, 0, 60)}`;
    const region = rand() < 0.01 ? null : randomInt(rand, 0, 4);
    const bound = rand();
    const ts = new Date(bound < 0.03 ? START.getTime() : bound < 0.06 ? END.getTime() : T0 + randomInt(rand, 0, 30 * 24) * 3600_000);
    const row: SourceRow = { user_id, region, ts, value: rand() < 0.05 ? null : randomInt(rand, 0, 1e6), label: `l${i}` };
    if (created) row.created = rand() < 0.05 ? null : new Date(T0 + randomInt(rand, 0, 1e6) * 1000);
    rows.push(row);
    // A tie on event ts: only the created ts decides it (without one, either row may win).
    if (rand() < 0.2)
      rows.push({ ...row, ...(created ? { created: new Date(T0 + randomInt(rand, 0, 1e6) * 1000) } : {}), value: randomInt(rand, 0, 1e6), label: `tie${i}` });
  }
  return rows;
}

const keyOf = (k: { user_id: unknown; region: unknown }) => JSON.stringify([k.user_id, k.region]);

/**
 * Brute force docs/semantics.md#materialization: per key (no null part), among rows with
 * START ≤ ts < END, every row with the greatest (event ts, created ts), a missing created ts lowest.
 * A full tie has no defined winner, so each key maps to the set of acceptable labels.
 */
function oracle(rows: readonly SourceRow[]): Map<string, { ts: number; labels: Set<string> }> {
  const best = new Map<string, { ts: number; created: number; labels: Set<string> }>();
  for (const r of rows) {
    if (r.user_id === null || r.region === null || !r.ts || r.ts < START || r.ts >= END) continue;
    const k = keyOf(r);
    const [ts, created] = [r.ts.getTime(), r.created?.getTime() ?? -1];
    const cur = best.get(k);
    if (!cur || ts > cur.ts || (ts === cur.ts && created > cur.created)) best.set(k, { ts, created, labels: new Set([r.label]) });
    else if (ts === cur.ts && created === cur.created) cur.labels.add(r.label);
  }
  return best;
}

function view(registry: Registry, name: string): FeatureViewSpec {
  return registry.view(name);
}

async function collect(batches: AsyncIterable<LatestRow[]>): Promise<LatestRow[]> {
  const out: LatestRow[] = [];
  for await (const b of batches) out.push(...b);
  return out;
}

/** The engine reduced the window: one row per key, each one of the oracle's winners, nothing else. */
function expectOracle(got: LatestRow[], rows: readonly SourceRow[], created: boolean): void {
  const want = oracle(rows);
  const seen = new Set<string>();
  for (const r of got) {
    const k = keyOf(r.keys as { user_id: unknown; region: unknown });
    expect(seen.has(k), `key ${k} returned twice`).toBe(false);
    seen.add(k);
    const w = want.get(k);
    expect(w, `key ${k} is not in the window`).toBeDefined();
    expect({ key: k, ts: r.eventTs.getTime(), winner: w!.labels.has(r.values.label as string) }).toEqual({ key: k, ts: w!.ts, winner: true });
    const src = rows.find((s) => s.label === r.values.label && keyOf(s) === k && s.ts!.getTime() === w!.ts)!;
    expect(r.values.value).toBe(src.value);
    expect(r.createdTs?.getTime()).toBe(created && src.created ? src.created.getTime() : undefined);
  }
  expect(seen.size).toBe(want.size);
  // The data must exercise the rule, or the test proves little.
  expect(want.size).toBeGreaterThan(150);
}

describe('Materialization read (latest row per key in [start, end)) against a brute-force oracle', () => {
  const tmp = tempDir();
  const clients = createAwsClients('us-east-1');
  useAthenaDouble({ outputLocation: 's3://athena-results/' });
  afterAll(() => tmp.cleanup());

  const user = new Entity({ name: 'user', joinKeys: ['user_id'], valueType: Str });
  const region = new Entity({ name: 'region', joinKeys: ['region'], valueType: Int64 });
  const defs = [true, false].map(
    (created) =>
      new FeatureView({
        name: created ? 'with_created' : 'no_created',
        entities: [user, region],
        schema: [new Field({ name: 'value', dtype: Int64 }), new Field({ name: 'label', dtype: Str })],
        source: new FileSource({
          path: created ? 'with_created' : 'no_created',
          timestampField: 'ts',
          ...(created ? { createdTimestampColumn: 'created' } : {}),
        }),
      }),
  );
  const registry = new Registry(planApply(emptyRegistry('t'), toRepoSpecs(defs)).next);

  const athenaStore = () => freshAthenaOfflineStore('latest', registry.views());

  /** Three offline pushes (so several part files; per day on Athena). */
  async function write(store: OfflineStore, spec: FeatureViewSpec, rows: readonly SourceRow[]): Promise<void> {
    const third = Math.ceil(rows.length / 3);
    // A push needs an event time: rows without one are exercised by the null-key rows instead.
    for (let i = 0; i < rows.length; i += third) await (await store.stagePush([spec], rows.slice(i, i + third) as never)).commit();
  }

  for (const provider of ['duckdb', 'athena'] as const) {
    for (const seed of [1, 2]) {
      for (const created of [true, false]) {
        it(`${provider}: matches the oracle (seed ${seed}, ${created ? 'created ts breaks ties' : 'no created ts'}, composite keys)`, async () => {
          const rows = makeRows(seededRandom(seed * 104729 + (created ? 1 : 0)), created);
          const spec = view(registry, created ? 'with_created' : 'no_created');
          const store = provider === 'athena' ? await athenaStore() : new LocalOfflineStore({ repoDir: join(tmp.dir, `${seed}-${created}`) });
          try {
            await write(store, spec, rows);
            const files = await store.listSourceFiles(spec, START, END);
            expect(files.length).toBeGreaterThan(2);
            expectOracle(await collect(store.readLatestFrom(spec, files, START, END)), rows, created);
          } finally {
            await store.close();
          }
        }, 120_000);
      }
    }
  }

  it('athena: a chunk reads only its own objects ("$path"), and a planned object that is gone is reported, not read as empty', async () => {
    const rows = makeRows(seededRandom(7), true);
    const spec = view(registry, 'with_created');
    const store = await athenaStore();
    await write(store, spec, rows);
    const files = await store.listSourceFiles(spec, START, END);
    const chunk = files.filter((_, i) => i % 2 === 0);
    // What the chunk's objects hold, read without SQL.
    const bucket = (store as unknown as { o: { bucket: string } }).o.bucket;
    const inChunk: SourceRow[] = [];
    for (const f of chunk)
      for await (const g of readRowGroups(clients.s3, bucket, f.path))
        for (const r of g)
          inChunk.push({
            user_id: r.user_id as string | null,
            region: r.region === null ? null : Number(r.region),
            ts: r.ts as Date,
            created: r.created as Date | null,
            value: r.value === null ? null : Number(r.value),
            label: r.label as string,
          });
    expect(inChunk.length).toBeLessThan(rows.length);
    expectOracle(await collect(store.readLatestFrom(spec, chunk, START, END)), inChunk, true);
    await expect(collect(store.readLatestFrom(spec, [...chunk, { path: `${chunk[0].path}.gone`, bytes: 1 }], START, END))).rejects.toBeInstanceOf(
      SourceFileMissingError,
    );
  }, 120_000);
});
