import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { athenaSyntaxErrors } from '../../examples/aws-local/athena-grammar.js';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, String as Str, UnixTimestamp } from '../../shared/definitions/index.js';
import { SourceFileMissingError } from '../../shared/errors.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import type { EventRow, OfflineStore } from '../../shared/offline/offline-store.js';
import { eventsQueryFor } from '../../shared/offline/source-node.js';
import { compileDistinctEvents } from '../../shared/offline/sql/distinct-events.js';
import { trinoDialect } from '../../shared/offline/sql/trino-dialect.js';
import { planApply } from '../../shared/registry/plan.js';
import { Registry } from '../../shared/registry/registry.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { emptyRegistry, type FeatureViewSpec } from '../../shared/registry/types.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { freshAthenaOfflineStore, useAthenaDouble } from '../helpers/athena.js';
import { tempDir } from '../helpers/tmp.js';

const DAY = 86400_000;
const T0 = Date.UTC(2024, 0, 1);
const [START, END] = [new Date(T0 + 5 * DAY), new Date(T0 + 20 * DAY)];

interface EventSource {
  user_id: string | null;
  region: number | null;
  ts: Date;
  qty: number | null;
  score: number | null;
  tag: string | null;
  seen: Date | null;
}

/**
 * Random events over 30 days (the window is days 5–20): composite keys (String, Int64) with nulls,
 * nulls in every event column, exact duplicates, events exactly on both bounds and outside.
 */
function makeEvents(rand: () => number): EventSource[] {
  const maybe = <T>(v: T) => (rand() < 0.15 ? null : v);
  const out: EventSource[] = [];
  for (let i = 0; i < 1500; i++) {
    const bound = rand();
    const ts = new Date(bound < 0.03 ? START.getTime() : bound < 0.06 ? END.getTime() : T0 + randomInt(rand, 0, 30 * 24 * 60) * 60_000);
    const e: EventSource = {
      user_id: rand() < 0.02 ? null : `u${randomInt(rand, 0, 30)}`,
      region: rand() < 0.02 ? null : randomInt(rand, 0, 3),
      ts,
      qty: maybe(randomInt(rand, -5, 50)),
      score: maybe(randomInt(rand, 0, 1000) / 8),
      tag: maybe(`t${randomInt(rand, 0, 4)}, x`),
      seen: maybe(new Date(T0 + randomInt(rand, 0, 1e6) * 1000)),
    };
    out.push(e);
    if (rand() < 0.1) out.push({ ...e });
  }
  return out;
}

const identity = (e: { user_id: unknown; region: unknown; ts: number; qty: unknown; score: unknown; tag: unknown; seen: number | null }) =>
  JSON.stringify([e.user_id, e.region, e.ts, e.qty, e.score, e.tag, e.seen]);

/** Brute force docs/aggregations.md#duplicates: rows with full keys in [START, END), distinct on their whole content. */
function oracle(events: readonly EventSource[]): string[] {
  const inWindow = events.filter((e) => e.user_id !== null && e.region !== null && e.ts >= START && e.ts < END);
  return [...new Set(inWindow.map((e) => identity({ ...e, ts: e.ts.getTime(), seen: e.seen?.getTime() ?? null })))].sort();
}

function got(rows: readonly EventRow[]): string[] {
  return rows
    .map((r) => identity({ ...r.keys, ...r.values, ts: r.eventTs.getTime(), seen: r.values.seen instanceof Date ? r.values.seen.getTime() : null } as never))
    .sort();
}

async function collect(batches: AsyncIterable<EventRow[]>): Promise<EventRow[]> {
  const out: EventRow[] = [];
  for await (const b of batches) out.push(...b);
  return out;
}

describe('Backfill read (the distinct events of an aggregation view in [start, end)) against a brute-force oracle', () => {
  const tmp = tempDir();
  useAthenaDouble({ outputLocation: 's3://athena-results/' });
  afterAll(() => tmp.cleanup());

  const user = new Entity({ name: 'user', joinKeys: ['user_id'], valueType: Str });
  const region = new Entity({ name: 'region', joinKeys: ['region'], valueType: Int64 });
  const def = new FeatureView({
    name: 'agg_events',
    entities: [user, region],
    source: new FileSource({ path: 'agg_events', timestampField: 'ts' }),
    eventSchema: [
      new Field({ name: 'qty', dtype: Int64 }),
      new Field({ name: 'score', dtype: Float64 }),
      new Field({ name: 'tag', dtype: Str }),
      new Field({ name: 'seen', dtype: UnixTimestamp }),
    ],
    aggregations: [
      { function: 'count', window: '1d' },
      { column: 'qty', function: 'sum', window: '1d' },
    ],
  });
  const registry = new Registry(planApply(emptyRegistry('t'), toRepoSpecs([user, region, def])).next);
  const spec: FeatureViewSpec = registry.view('agg_events');

  const athenaStore = () => freshAthenaOfflineStore('events', registry.views());

  it('compiles to SQL that Trino’s grammar accepts, every name quoted', () => {
    const { sql } = compileDistinctEvents(
      trinoDialect().createCompiler(),
      eventsQueryFor(spec, { kind: 'table', database: 'db', table: 't', objects: ['s3://b/k'] }, START, END, 'dt'),
    );
    expect(athenaSyntaxErrors(sql)).toEqual([]);
    expect(sql).toMatch(/^SELECT DISTINCT "user_id", "region", "__event_ts", "qty", "score", "tag", "seen" FROM /);
    expect(sql).toMatch(/WHERE "user_id" IS NOT NULL AND "region" IS NOT NULL AND "__event_ts" IS NOT NULL$/);
  });

  for (const provider of ['duckdb', 'athena'] as const) {
    for (const seed of [1, 2]) {
      it(`${provider}: every distinct event once, nulls in event columns kept (seed ${seed})`, async () => {
        const events = makeEvents(seededRandom(seed * 7919));
        const store: OfflineStore = provider === 'athena' ? await athenaStore() : new LocalOfflineStore({ repoDir: join(tmp.dir, `${seed}`) });
        try {
          const third = Math.ceil(events.length / 3);
          for (let i = 0; i < events.length; i += third) await (await store.stagePush([spec], events.slice(i, i + third) as never)).commit();
          const files = await store.listSourceFiles(spec, START, END);
          expect(files.length).toBeGreaterThan(2);
          const rows = await collect(store.readEventsFrom(spec, files, START, END));
          const want = oracle(events);
          expect(got(rows)).toEqual(want);
          // The data must exercise the rule: events with nulls in event columns, duplicates, null keys.
          expect(rows.filter((r) => Object.values(r.values).some((v) => v === null)).length).toBeGreaterThan(want.length / 3);
          expect(events.filter((e) => e.user_id === null || e.region === null).length).toBeGreaterThan(10);
          expect(events.length - want.length).toBeGreaterThan(100);
        } finally {
          await store.close();
        }
      }, 120_000);
    }
  }

  it('duckdb: a planned file that is gone is reported, not read as empty', async () => {
    const store = new LocalOfflineStore({ repoDir: join(tmp.dir, 'gone') });
    try {
      await expect(collect(store.readEventsFrom(spec, [{ path: join(tmp.dir, 'gone/nothing.parquet'), bytes: 1 }], START, END))).rejects.toBeInstanceOf(
        SourceFileMissingError,
      );
    } finally {
      await store.close();
    }
  });
});
