/**
 * Aggregation views online (issue 14): lookup p99 of 1 and 100 entities × 3 windows × 5
 * aggregations (tiles merged at read time) next to a plain view of the same 15 features; and push
 * throughput of events into tiles next to plain newer-wins upserts of the same rows. Provider local
 * (SQLite), in process, one run.
 */
import { parseConfig } from '../shared/config/config.js';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, PushSource, String as Str } from '../shared/definitions/index.js';
import { FeatureStore } from '../shared/feature-store.js';
import { createStores } from '../shared/providers/index.js';
import { randomInt, seededRandom } from '../shared/util/random.js';
import { tempDir } from '../test/helpers/tmp.js';
import { percentile, report, verdicts } from './lib/report.js';

const USERS = Number(process.env.BENCH_AGG_USERS ?? 2000);
const EVENTS_PER_USER = Number(process.env.BENCH_AGG_EVENTS_PER_USER ?? 40);
const LOOKUPS = Number(process.env.BENCH_AGG_LOOKUPS ?? 2000);
const H = 3_600_000;
const NOW = Date.UTC(2026, 10, 1, 12);

function definitions() {
  const user = new Entity({ name: 'user_id', valueType: Str });
  const source = (name: string) => new PushSource({ name, batchSource: new FileSource({ name: `${name}_files`, path: `data/${name}`, timestampField: 'ts' }) });
  const windows = ['1h', '1d', '7d'];
  const agg = new FeatureView({
    name: 'agg',
    entities: [user],
    source: source('events'),
    eventSchema: [new Field({ name: 'qty', dtype: Int64 }), new Field({ name: 'score', dtype: Float64 }), new Field({ name: 'tag', dtype: Str })],
    aggregations: windows.flatMap((window) => [
      { function: 'count' as const, window },
      { column: 'qty', function: 'sum' as const, window },
      { column: 'score', function: 'mean' as const, window },
      { column: 'qty', function: 'max' as const, window },
      { column: 'tag', function: 'last' as const, window },
    ]),
  });
  const plain = new FeatureView({
    name: 'plain',
    entities: [user],
    source: source('plain_rows'),
    schema: Array.from({ length: 15 }, (_, i) => new Field({ name: `f${i}`, dtype: Float64 })),
  });
  // The same rows as the events, upserted newer-wins: the push baseline.
  const upsert = new FeatureView({
    name: 'upsert',
    entities: [user],
    source: source('upsert_rows'),
    schema: [new Field({ name: 'qty', dtype: Int64 }), new Field({ name: 'score', dtype: Float64 }), new Field({ name: 'tag', dtype: Str })],
  });
  return [user, agg, plain, upsert];
}

type Times = { p50: number; p99: number };

/**
 * Both views looked up alternately with the same random entities, so background load and GC weigh
 * on both samples alike (a ratio of two back-to-back runs would drift with the machine's load).
 */
async function lookupTimes(store: FeatureStore, features: [string[], string[]], entities: number, rand: () => number): Promise<[Times, Times]> {
  const samples: [number[], number[]] = [[], []];
  for (let i = 0; i < LOOKUPS; i++) {
    const ids = Array.from({ length: entities }, () => `u${randomInt(rand, 0, USERS)}`);
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const t0 = performance.now();
      await store.getOnlineFeatures({ features: features[k], entities: { user_id: ids } });
      samples[k].push(performance.now() - t0);
    }
  }
  const times = (x: number[]): Times => ({ p50: percentile(x, 50), p99: percentile(x, 99) });
  return [times(samples[0]), times(samples[1])];
}

export async function benchAggregationsOnline(): Promise<void> {
  const tmp = tempDir('skewless-agg-online-');
  const clock = { now: new Date(NOW) };
  // The local provider's own stores (shared/providers/local.ts), not a hand-made copy of them.
  const config = parseConfig({ project: 'bench', registryCacheSeconds: 60 }, tmp.dir, {});
  const store = new FeatureStore(config, await createStores(config), { now: () => clock.now });
  try {
    await store.apply(definitions());
    const rand = seededRandom(42);
    const rows = Array.from({ length: USERS * EVENTS_PER_USER }, (_, i) => ({
      user_id: `u${i % USERS}`,
      ts: new Date(NOW - randomInt(rand, 0, 7 * 24 * H)).toISOString(),
      qty: randomInt(rand, 0, 100),
      score: rand(),
      tag: `t${randomInt(rand, 0, 8)}`,
    }));
    const pushAll = async (source: string, data: Record<string, unknown>[]) => {
      const t0 = performance.now();
      for (let i = 0; i < data.length; i += 500) await store.push({ pushSourceName: source, rows: data.slice(i, i + 500) });
      return data.length / ((performance.now() - t0) / 1000);
    };
    const tiled = await pushAll('events', rows);
    const upserts = await pushAll('upsert_rows', rows);
    await pushAll(
      'plain_rows',
      Array.from({ length: USERS }, (_, u) => ({
        user_id: `u${u}`,
        ts: new Date(NOW - H).toISOString(),
        ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`f${i}`, rand()])),
      })),
    );
    const registry = await store.context.registry();
    const aggFeatures = registry.view('agg').features.map((f) => `agg:${f.name}`);
    const plainFeatures = registry.view('plain').features.map((f) => `plain:${f.name}`);
    const rows1 = [];
    const targets = [];
    for (const n of [1, 100]) {
      // Warm both paths (prepared statements, registry cache) before measuring.
      await lookupTimes(store, [aggFeatures, plainFeatures], n, seededRandom(1));
      const [aggT, plainT] = await lookupTimes(store, [aggFeatures, plainFeatures], n, seededRandom(n));
      const [agg, plain] = [aggT.p99, plainT.p99];
      rows1.push({
        entities: n,
        'aggregation view p50 / p99 ms': `${aggT.p50.toFixed(3)} / ${agg.toFixed(3)}`,
        'plain view p50 / p99 ms': `${plainT.p50.toFixed(3)} / ${plain.toFixed(3)}`,
        'p99 ratio': Math.round((agg / plain) * 100) / 100,
      });
      targets.push({
        target: `lookup p99, ${n} entit${n === 1 ? 'y' : 'ies'} × 3 windows × 5 aggregations / plain view of 15 features`,
        value: agg / plain,
        threshold: 2,
        better: 'lower' as const,
      });
    }
    report(
      'aggregations-online-lookup',
      `Online lookup on provider local (in process, ${LOOKUPS} lookups each, the two views alternating with the same entities, ${USERS} users × ${EVENTS_PER_USER} events over 7 days, hourly tiles)`,
      ['entities', 'aggregation view p50 / p99 ms', 'plain view p50 / p99 ms', 'p99 ratio'],
      rows1,
    );
    report(
      'aggregations-online-push',
      `Push throughput on provider local: ${rows.length} events in requests of 500 (same rows both ways)`,
      ['path', 'events/s', 'speed'],
      [
        {
          path: 'events into tiles (event ids + partials, one transaction per request)',
          'events/s': Math.round(tiled),
          speed: Math.round((tiled / upserts) * 100) / 100,
        },
        { path: 'plain newer-wins upserts (baseline)', 'events/s': Math.round(upserts), speed: 1 },
      ],
    );
    verdicts('aggregations-online', targets);
  } finally {
    await store.close();
    tmp.cleanup();
  }
}

if (process.argv[1]?.endsWith('aggregations-online.ts')) await benchAggregationsOnline();
