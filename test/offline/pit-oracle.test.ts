import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Entity, FeatureView, Field, FileSource, Int64, String as Str } from '../../shared/definitions/index.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { Registry } from '../../shared/registry/registry.js';
import { emptyRegistry } from '../../shared/registry/types.js';
import { planApply } from '../../shared/registry/plan.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { tempDir } from '../helpers/tmp.js';
import { uniqueName } from '../helpers/aws.js';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { AthenaOfflineStore } from '../../shared/offline/athena/athena-offline-store.js';

const T0 = Date.UTC(2024, 0, 1);
const SPAN_S = 30 * 86400;

interface FeatureRow {
  key: string | null;
  ts: number;
  created: number | null;
  value: number | null;
  label: string | null;
}
interface ViewCase {
  name: string;
  ttl: number;
  created: boolean;
  mapped: boolean;
  rows: FeatureRow[];
}

/** Random views: different TTLs (0 = unbounded), ties on event ts broken by created ts, nulls, field mapping. */
function makeViews(rand: () => number, keys: string[]): ViewCase[] {
  const specs = [
    { name: 'fv_day', ttl: 86400, created: true, mapped: false },
    { name: 'fv_week', ttl: 7 * 86400, created: false, mapped: true },
    { name: 'fv_forever', ttl: 0, created: true, mapped: false },
  ];
  return specs.map((s) => {
    const rows: FeatureRow[] = [];
    const n = randomInt(rand, 3000, 6000);
    for (let i = 0; i < n; i++) {
      const key = rand() < 0.01 ? null : keys[randomInt(rand, 0, keys.length)];
      const ts = T0 + randomInt(rand, 0, SPAN_S) * 1000;
      rows.push({ key, ts, created: s.created ? T0 + i * 1000 : null, value: rand() < 0.05 ? null : randomInt(rand, 0, 1e6), label: `l${i}` });
      // A tie on event ts: only the created ts can decide it.
      if (s.created && rand() < 0.2) rows.push({ key, ts, created: T0 + (n + i) * 1000, value: randomInt(rand, 0, 1e6), label: `tie${i}` });
    }
    return { ...s, rows };
  });
}

/** Brute force docs/semantics.md#pit-join: candidates in [ts − ttl, ts], winner = max (event_ts, created_ts). */
function oracle(view: ViewCase, key: string | null, ts: number): FeatureRow | undefined {
  let best: FeatureRow | undefined;
  for (const r of view.rows) {
    if (key === null || r.key !== key || r.ts > ts) continue;
    if (view.ttl > 0 && r.ts < ts - view.ttl * 1000) continue;
    if (!best || r.ts > best.ts || (r.ts === best.ts && (r.created ?? -1) > (best.created ?? -1))) best = r;
  }
  return best;
}

async function writeView(db: DuckDBSession, dir: string, v: ViewCase): Promise<void> {
  const valueCol = v.mapped ? 'src_value' : 'value';
  await db.stage(
    't',
    [
      { name: 'user_id', type: 'VARCHAR' },
      { name: 'ts', type: 'TIMESTAMP' },
      ...(v.created ? [{ name: 'created', type: 'TIMESTAMP' as const }] : []),
      { name: valueCol, type: 'BIGINT' },
      { name: 'label', type: 'VARCHAR' },
    ],
    v.rows.map((r) => ({ user_id: r.key, ts: new Date(r.ts), created: r.created === null ? null : new Date(r.created), [valueCol]: r.value, label: r.label })),
  );
  // Two part files per view, so directory sources with several files are covered.
  await db.copyTo(`SELECT * FROM t WHERE rowid % 2 = 0`, join(dir, v.name, 'a.parquet'), 'parquet');
  await db.copyTo(`SELECT * FROM t WHERE rowid % 2 = 1`, join(dir, v.name, 'b.parquet'), 'parquet');
}

describe('PIT join against a brute-force oracle (DuckDB ASOF, portable window form, and the Athena path)', () => {
  const tmp = tempDir();
  let db: DuckDBSession;
  let athena: AthenaDouble;
  beforeAll(async () => {
    db = await DuckDBSession.create();
    const clients = createAwsClients('us-east-1');
    // The workgroup's result location (Athena fails a query without one).
    athena = new AthenaDouble(clients.s3, clients.glue, { outputLocation: 's3://athena-results/' });
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
  });
  afterAll(async () => {
    await athena.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
    db.close();
    tmp.cleanup();
  });

  /** The Athena path: data as dt-partitioned Parquet in S3 (moto), Trino SQL executed by the double. */
  async function athenaStore(views: ViewCase[], specs: Registry) {
    const clients = createAwsClients('us-east-1');
    const names = { bucket: uniqueName('oracle'), table: uniqueName('t'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    await ensureAwsResources(clients, names);
    const store = new AthenaOfflineStore({ ...clients, bucket: names.bucket, prefix: 'offline', database: names.glueDatabase, workgroup: 'primary' });
    await store.ensureTables(specs.views());
    for (const v of views) {
      const spec = specs.view(v.name);
      const rows = v.rows.map((r) => ({
        user_id: r.key,
        ts: new Date(r.ts),
        ...(v.created ? { created: r.created === null ? null : new Date(r.created) } : {}),
        value: r.value,
        label: r.label,
      }));
      await (await store.stagePush([spec], rows)).commit();
    }
    return store;
  }

  // Under mutation testing (vitest.mutate.config.ts) one seed of 2k rows runs per mutant; the full
  // 5 seeds × 10k rows run in npm test.
  const small = process.env.SKEWLESS_ORACLE_SCALE === 'small';
  const ENTITY_ROWS = small ? 2_000 : 10_000;
  for (const seed of small ? [1] : [1, 2, 3, 4, 5]) {
    for (const strategy of ['asof', 'window', 'athena'] as const) {
      it(`matches the oracle on ${ENTITY_ROWS} random entity rows (seed ${seed}, ${strategy})`, async () => {
        const rand = seededRandom(seed * 7919);
        const dir = join(tmp.dir, `s${seed}-${strategy}`);
        const keys = Array.from({ length: 300 }, (_, i) => `u${i}`);
        const views = makeViews(rand, keys);
        const { mkdir } = await import('node:fs/promises');
        if (strategy !== 'athena') for (const v of views) await mkdir(join(dir, v.name), { recursive: true }), await writeView(db, dir, v);

        const user = new Entity({ name: 'user', joinKeys: ['user_id'], valueType: Str });
        const defs = views.map(
          (v) =>
            new FeatureView({
              name: v.name,
              entities: [user],
              ttl: v.ttl,
              schema: [new Field({ name: 'value', dtype: Int64 }), new Field({ name: 'label', dtype: Str })],
              source: new FileSource({
                path: v.name,
                timestampField: 'ts',
                ...(v.created ? { createdTimestampColumn: 'created' } : {}),
                ...(v.mapped ? { fieldMapping: { src_value: 'value' } } : {}),
              }),
            }),
        );
        const registry = new Registry(planApply(emptyRegistry('t'), toRepoSpecs(defs)).next);
        const refs = views.flatMap((v) => [`${v.name}:value`, `${v.name}:label`]);
        const resolved = registry.resolveRefs(refs, true);

        // Entity rows: unknown keys, exact hits on feature timestamps, duplicates, rows before any data, extra columns.
        const entityRows: Record<string, unknown>[] = [];
        for (let i = 0; i < ENTITY_ROWS; i++) {
          const dup = i > 0 && rand() < 0.05;
          if (dup) {
            entityRows.push({ ...entityRows[randomInt(rand, 0, i)] });
            continue;
          }
          const hit = rand() < 0.2 ? views[randomInt(rand, 0, 3)].rows[randomInt(rand, 0, 1000)] : undefined;
          const ts = hit ? hit.ts + (rand() < 0.5 ? 0 : views[0].ttl * 1000) : T0 + randomInt(rand, -86400, SPAN_S + 86400) * 1000;
          entityRows.push({
            extra_num: i,
            user_id: hit?.key ?? (rand() < 0.05 ? 'unknown' : keys[randomInt(rand, 0, keys.length)]),
            event_timestamp: new Date(ts),
            extra_str: `x${i}`,
          });
        }
        const store = strategy === 'athena' ? await athenaStore(views, registry) : new LocalOfflineStore({ repoDir: dir, pitStrategy: strategy });
        const result = await store.getHistoricalFeatures({ entity: { rows: entityRows }, views: resolved.views, outputs: resolved.outputs });
        await store.close();

        expect(result.columns).toEqual([
          'extra_num',
          'user_id',
          'event_timestamp',
          'extra_str',
          ...views.flatMap((v) => [`${v.name}__value`, `${v.name}__label`]),
        ]);
        expect(result.rows).toHaveLength(entityRows.length);
        let matched = 0;
        result.rows!.forEach((row, i) => {
          const input = entityRows[i];
          expect(row.extra_num).toBe(input.extra_num);
          expect((row.event_timestamp as Date).getTime()).toBe((input.event_timestamp as Date).getTime());
          for (const v of views) {
            const want = oracle(v, input.user_id as string, (input.event_timestamp as Date).getTime());
            expect({ row: i, view: v.name, value: row[`${v.name}__value`], label: row[`${v.name}__label`] }).toEqual({
              row: i,
              view: v.name,
              value: want?.value ?? null,
              label: want?.label ?? null,
            });
            if (want) matched++;
          }
        });
        // The data must exercise both outcomes, or the test proves little.
        expect(matched).toBeGreaterThan(entityRows.length * 0.5);
        expect(matched).toBeLessThan(entityRows.length * 3);
      }, 120_000);
    }
  }
});
