import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { type AggregationOptions, Entity, FeatureView, Field, FileSource, Float64, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import { AthenaOfflineStore } from '../../shared/offline/athena/athena-offline-store.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { planApply } from '../../shared/registry/plan.js';
import { Registry } from '../../shared/registry/registry.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { emptyRegistry } from '../../shared/registry/types.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { uniqueName } from '../helpers/aws.js';
import { tempDir } from '../helpers/tmp.js';

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const SPAN = 20 * DAY;

interface Event {
  user_id: string | null;
  region: number | null;
  ts: number;
  tokens: number | null;
  dur: number | null;
  model: string | null;
}

const WINDOWS = ['45m', '1d', '7d'] as const;
const WINDOW_MS: Record<(typeof WINDOWS)[number], number> = { '45m': 45 * MIN, '1d': DAY, '7d': 7 * DAY };
const PER_WINDOW: Omit<AggregationOptions, 'window'>[] = [
  { function: 'count' },
  { column: 'tokens', function: 'count' },
  { column: 'tokens', function: 'sum' },
  { column: 'dur', function: 'sum' },
  { column: 'dur', function: 'mean' },
  { column: 'tokens', function: 'min' },
  { column: 'model', function: 'max' },
  { column: 'model', function: 'last' },
  { column: 'tokens', function: 'last' },
  { column: 'model', function: 'last_n', n: 3 },
  { column: 'model', function: 'count_distinct' },
];
const AGGREGATIONS: AggregationOptions[] = WINDOWS.flatMap((window) =>
  PER_WINDOW.map((a, i) => ({ ...a, window, name: `a${i}_${a.column ?? 'events'}_${a.function}_${window}` })),
);

/**
 * Random events over 20 days on a coarse grid (so timestamps tie), with composite keys, nulls in
 * every column, exact duplicates (one event delivered twice) and near-duplicates (same time and
 * key, another value: two events).
 */
function makeEvents(rand: () => number, keys: [string, number][]): Event[] {
  const events: Event[] = [];
  const n = randomInt(rand, 3000, 5000);
  const maybe = <T>(v: T): T | null => (rand() < 0.1 ? null : v);
  for (let i = 0; i < n; i++) {
    const [user_id, region] = keys[randomInt(rand, 0, keys.length)];
    const e: Event = {
      user_id: rand() < 0.01 ? null : user_id,
      region,
      ts: T0 + randomInt(rand, 0, SPAN / (15 * MIN)) * 15 * MIN,
      tokens: maybe(randomInt(rand, -50, 1000)),
      // Quarters add exactly in doubles, so sums and means compare exactly whatever the engine's order.
      dur: maybe(randomInt(rand, 0, 4000) / 4),
      model: maybe(`m${randomInt(rand, 0, 6)}`),
    };
    events.push(e);
    if (rand() < 0.05) events.push({ ...e });
    if (rand() < 0.1) events.push({ ...e, tokens: maybe(randomInt(rand, 0, 1000)), model: maybe(`m${randomInt(rand, 0, 6)}`) });
  }
  return events;
}

const byRecency = (a: Event, b: Event, col: 'model' | 'tokens') =>
  b.ts - a.ts || ((b[col] as string | number) > (a[col] as string | number) ? 1 : (b[col] as string | number) < (a[col] as string | number) ? -1 : 0);

/** Brute force docs/aggregations.md: events with equal keys and ts − window < event ts ≤ ts, duplicates once, nulls skipped. */
function oracle(events: readonly Event[], user_id: string, region: number, ts: number, window: number): unknown[] {
  const seen = new Set<string>();
  const inWindow = events.filter((e) => {
    if (e.user_id !== user_id || e.region !== region || e.ts > ts || e.ts <= ts - window) return false;
    const id = JSON.stringify(e);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  const tokens = inWindow.filter((e) => e.tokens !== null);
  const durs = inWindow.filter((e) => e.dur !== null).map((e) => e.dur!);
  const models = inWindow.filter((e) => e.model !== null);
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  const tokenValues = tokens.map((e) => e.tokens!);
  const modelValues = models.map((e) => e.model!).sort();
  const latestModels = [...models].sort((a, b) => byRecency(a, b, 'model'));
  const latestTokens = [...tokens].sort((a, b) => byRecency(a, b, 'tokens'));
  return [
    inWindow.length,
    tokens.length,
    sum(tokens.map((e) => e.tokens!)),
    sum(durs),
    durs.length ? sum(durs) / durs.length : null,
    tokenValues.length ? Math.min(...tokenValues) : null,
    modelValues.at(-1) ?? null,
    latestModels[0]?.model ?? null,
    latestTokens[0]?.tokens ?? null,
    latestModels.slice(0, 3).map((e) => e.model),
    new Set(models.map((e) => e.model)).size,
  ];
}

const user = new Entity({ name: 'user', joinKeys: ['user_id'], valueType: Str });
const region = new Entity({ name: 'region', joinKeys: ['region'], valueType: Int64 });
const eventSchema = [new Field({ name: 'tokens', dtype: Int64 }), new Field({ name: 'dur', dtype: Float64 }), new Field({ name: 'model', dtype: Str })];
function definitions() {
  const source = new PushSource({ name: 'user_events', batchSource: new FileSource({ name: 'user_event_files', path: 'events', timestampField: 'ts' }) });
  return [new FeatureView({ name: 'user_agg', entities: [user, region], source, eventSchema, aggregations: AGGREGATIONS, aggregationInterval: '15m' })];
}

describe('Aggregations in training data against a brute-force oracle (DuckDB and the Athena path)', () => {
  const tmp = tempDir();
  let db: DuckDBSession;
  let athena: AthenaDouble;
  beforeAll(async () => {
    db = await DuckDBSession.create();
    const clients = createAwsClients('us-east-1');
    athena = new AthenaDouble(clients.s3, clients.glue, { outputLocation: 's3://athena-results/' });
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
  });
  afterAll(async () => {
    await athena.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
    db.close();
    tmp.cleanup();
  });

  async function localStore(dir: string, events: Event[]) {
    mkdirSync(join(dir, 'events'), { recursive: true });
    await db.stage(
      'ev',
      [
        { name: 'user_id', type: 'VARCHAR' },
        { name: 'region', type: 'BIGINT' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'tokens', type: 'BIGINT' },
        { name: 'dur', type: 'DOUBLE' },
        { name: 'model', type: 'VARCHAR' },
      ],
      events.map((e) => ({ ...e, ts: new Date(e.ts) })),
    );
    // Two part files, so a duplicate may sit in another file than its first delivery.
    await db.copyTo(`SELECT * FROM ev WHERE rowid % 2 = 0`, join(dir, 'events', 'a.parquet'), 'parquet');
    await db.copyTo(`SELECT * FROM ev WHERE rowid % 2 = 1`, join(dir, 'events', 'b.parquet'), 'parquet');
    return new LocalOfflineStore({ repoDir: dir });
  }

  async function athenaStore(events: Event[], registry: Registry) {
    const clients = createAwsClients('us-east-1');
    const names = { bucket: uniqueName('agg'), table: uniqueName('t'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    await ensureAwsResources(clients, names);
    const store = new AthenaOfflineStore({ ...clients, bucket: names.bucket, prefix: 'offline', database: names.glueDatabase, workgroup: 'primary' });
    await store.ensureTables(registry.views());
    const spec = registry.view('user_agg');
    // Two pushes: the duplicates of the first land in another object.
    const half = Math.floor(events.length / 2);
    for (const part of [events.slice(0, half), events.slice(half)])
      await (
        await store.stagePush(
          [spec],
          part.map((e) => ({ ...e, ts: new Date(e.ts) })),
        )
      ).commit();
    return store;
  }

  const ENTITY_ROWS = 1500;
  for (const seed of [1, 2, 3]) {
    for (const engine of ['duckdb', 'athena'] as const) {
      it(`matches the oracle on ${ENTITY_ROWS} entity rows × ${AGGREGATIONS.length} aggregations (seed ${seed}, ${engine})`, async () => {
        const rand = seededRandom(seed * 104729);
        const keys: [string, number][] = Array.from({ length: 40 }, (_, i) => [`u${i % 20}`, i % 3]);
        const events = makeEvents(rand, keys);
        const registry = new Registry(planApply(emptyRegistry('t'), toRepoSpecs(definitions())).next);
        const resolved = registry.resolveRefs(
          AGGREGATIONS.map((a) => `user_agg:${a.name}`),
          false,
        );

        // Entity rows: on an event's time, exactly one window after it (its lower bound: excluded),
        // a millisecond less (included), before any event, unknown keys, duplicates.
        const entityRows: Record<string, unknown>[] = [];
        for (let i = 0; i < ENTITY_ROWS; i++) {
          if (i > 0 && rand() < 0.03) {
            entityRows.push({ ...entityRows[randomInt(rand, 0, i)] });
            continue;
          }
          const e = events[randomInt(rand, 0, events.length)];
          const w = WINDOW_MS[WINDOWS[randomInt(rand, 0, WINDOWS.length)]];
          const pick = rand();
          const ts =
            pick < 0.25 ? e.ts : pick < 0.45 ? e.ts + w : pick < 0.55 ? e.ts + w - 1 : pick < 0.6 ? T0 - HOUR : T0 + randomInt(rand, 0, SPAN / 1000) * 1000;
          const [u, r] = rand() < 0.05 ? ['nobody', 0] : e.user_id === null ? keys[0] : [e.user_id, e.region!];
          entityRows.push({ user_id: u, region: r, event_timestamp: new Date(ts), row: i });
        }

        const dir = join(tmp.dir, `s${seed}-${engine}`);
        const store = engine === 'athena' ? await athenaStore(events, registry) : await localStore(dir, events);
        const result = await store.getHistoricalFeatures({ entity: { rows: entityRows }, views: resolved.views, outputs: resolved.outputs });
        await store.close();

        expect(result.columns).toEqual(['user_id', 'region', 'event_timestamp', 'row', ...AGGREGATIONS.map((a) => a.name)]);
        expect(result.rows).toHaveLength(entityRows.length);
        let nonEmpty = 0;
        let empty = 0;
        result.rows!.forEach((row, i) => {
          const input = entityRows[i];
          expect(row.row).toBe(input.row);
          WINDOWS.forEach((window, wi) => {
            const want = oracle(events, input.user_id as string, input.region as number, (input.event_timestamp as Date).getTime(), WINDOW_MS[window]);
            const got = PER_WINDOW.map((_, ai) => row[AGGREGATIONS[wi * PER_WINDOW.length + ai].name!]);
            // last_n is a real array on both engines (Athena's text results carry it as JSON).
            expect({ row: i, window, got }).toEqual({ row: i, window, got: want });
            if (want[0] === 0) empty++;
            else nonEmpty++;
          });
        });
        // The data must exercise empty and non-empty windows alike.
        expect(empty).toBeGreaterThan(ENTITY_ROWS * 0.1);
        expect(nonEmpty).toBeGreaterThan(ENTITY_ROWS * 0.5);
      }, 180_000);
    }
  }
});
