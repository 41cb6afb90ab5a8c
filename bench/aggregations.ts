/**
 * Offline aggregations: 1 M entity rows over 10 M events (100 k users, 60 days), 3 windows × 5
 * aggregations, through skewless (Parquet in, Parquet out) next to the same computation hand-written
 * in DuckDB on the same files the way a DuckDB user would: duplicates dropped, entity rows and
 * events merged per user, one named range frame per window. `BENCH_AGG_SCALE=0.05` scales every
 * count down for a quick run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, String as Str } from '../shared/definitions/index.js';
import { FeatureStore } from '../shared/feature-store.js';
import { DuckDBSession } from '../shared/offline/duckdb/session.js';
import { quoteString } from '../shared/offline/sql/quote.js';
import { tempDir } from '../test/helpers/tmp.js';
import { report, time, verdicts } from './lib/report.js';

const SCALE = Number(process.env.BENCH_AGG_SCALE ?? 1);
const USERS = Math.round(100_000 * SCALE);
const EVENTS = Math.round(10_000_000 * SCALE);
const ENTITY_ROWS = Math.round(1_000_000 * SCALE);
const DAYS = 60;
const WINDOWS = [
  ['1h', 3600],
  ['1d', 86400],
  ['7d', 7 * 86400],
] as const;

export async function benchAggregations(): Promise<void> {
  const tmp = tempDir('skewless-agg-');
  const dir = tmp.dir;
  mkdirSync(join(dir, 'data/events'), { recursive: true });
  writeFileSync(join(dir, 'skewless.json'), JSON.stringify({ project: 'agg' }));
  const events = join(dir, 'data/events/part-0.parquet');
  const entities = join(dir, 'entities.parquet');
  const db = await DuckDBSession.create();
  const gen = await time(async () => {
    await db.run(`COPY (SELECT 'u' || (hash(i, 'u') % ${USERS}) AS user_id,
        TIMESTAMP '2024-01-01' + INTERVAL (hash(i) % (${DAYS} * 86400)) SECOND AS ts,
        CASE WHEN hash(i, 1) % 20 = 0 THEN NULL ELSE CAST(hash(i, 2) % 5000 AS BIGINT) END AS tokens,
        CAST(hash(i, 3) % 360000 AS DOUBLE) / 100 AS dur
      FROM range(${EVENTS}) t(i)) TO ${quoteString(events)} (FORMAT parquet)`);
    await db.run(`COPY (SELECT 'u' || (hash(i, 'e') % ${USERS}) AS user_id,
        TIMESTAMP '2024-01-01' + INTERVAL (hash(i, 't') % ((${DAYS} + 5) * 86400)) SECOND AS event_timestamp, i AS request_id
      FROM range(${ENTITY_ROWS}) t(i)) TO ${quoteString(entities)} (FORMAT parquet)`);
  });

  const user = new Entity({ name: 'user_id', valueType: Str });
  const functions = [
    { function: 'count' as const, name: 'events' },
    { function: 'sum' as const, column: 'tokens', name: 'tokens_sum' },
    { function: 'mean' as const, column: 'dur', name: 'dur_mean' },
    { function: 'min' as const, column: 'tokens', name: 'tokens_min' },
    { function: 'max' as const, column: 'dur', name: 'dur_max' },
  ];
  const view = new FeatureView({
    name: 'usage',
    entities: [user],
    source: new FileSource({ path: 'data/events', timestampField: 'ts' }),
    eventSchema: [new Field({ name: 'tokens', dtype: Int64 }), new Field({ name: 'dur', dtype: Float64 })],
    aggregations: WINDOWS.flatMap(([w]) => functions.map((f) => ({ ...f, window: w, name: `${f.name}_${w}` }))),
  });
  const store = await FeatureStore.open(dir);
  await store.apply([user, view]);
  const names = view.schema.map((f) => f.name);
  const ours = await time(() =>
    store.getHistoricalFeatures({
      entity: { path: entities },
      features: names.map((n) => `usage:${n}`),
      output: { path: join(dir, 'ours.parquet'), format: 'parquet' },
    }),
  );

  // By hand: the same semantics (duplicates once, (ts − w, ts], empty sums 0) as one window pass.
  const frames = WINDOWS.map(([w, s]) => `w${w} AS (PARTITION BY user_id ORDER BY t RANGE BETWEEN ${s * 1_000_000 - 1} PRECEDING AND CURRENT ROW)`);
  const selects = WINDOWS.flatMap(([w]) => [
    `count(is_event) OVER w${w} AS events_${w}`,
    `coalesce(sum(tokens) OVER w${w}, 0)::BIGINT AS tokens_sum_${w}`,
    `avg(dur) OVER w${w} AS dur_mean_${w}`,
    `min(tokens) OVER w${w} AS tokens_min_${w}`,
    `max(dur) OVER w${w} AS dur_max_${w}`,
  ]);
  const handWritten = `COPY (
    WITH ev AS (SELECT DISTINCT user_id, ts, tokens, dur FROM read_parquet(${quoteString(events)}) WHERE user_id IS NOT NULL AND ts IS NOT NULL),
    e AS (SELECT *, row_number() OVER () AS rid FROM read_parquet(${quoteString(entities)})),
    s AS (SELECT rid, user_id, epoch_us(event_timestamp) AS t, NULL::BIGINT AS tokens, NULL::DOUBLE AS dur, NULL::INTEGER AS is_event FROM e
      UNION ALL SELECT NULL, user_id, epoch_us(ts), tokens, dur, 1 FROM ev),
    a AS (SELECT rid, ${selects.join(', ')} FROM s WINDOW ${frames.join(', ')} QUALIFY rid IS NOT NULL)
    SELECT e.user_id, e.event_timestamp, e.request_id, ${names.join(', ')} FROM e JOIN a USING (rid) ORDER BY rid
  ) TO ${quoteString(join(dir, 'hand.parquet'))} (FORMAT parquet)`;
  const hand = await time(() => db.run(handWritten));

  // Same answer, row for row.
  const [diff] = await db.all(
    `SELECT count(*) AS n FROM (SELECT * FROM read_parquet(${quoteString(join(dir, 'ours.parquet'))}) EXCEPT ALL SELECT * FROM read_parquet(${quoteString(join(dir, 'hand.parquet'))}))`,
  );
  const [nonEmpty] = await db.all(
    `SELECT count(*) FILTER (WHERE events_7d > 0) AS n, avg(events_7d) AS mean FROM read_parquet(${quoteString(join(dir, 'ours.parquet'))})`,
  );
  await store.close();
  db.close();
  tmp.cleanup();

  const count = (n: number) => n.toLocaleString('en-US');
  report(
    'aggregations-offline',
    `${count(ENTITY_ROWS)} entity rows × ${count(EVENTS)} events (${count(USERS)} users, ${DAYS} days), 3 windows (1h, 1d, 7d) × 5 aggregations (count, sum, mean, min, max), Parquet in and out; baseline: the same computation hand-written in DuckDB (DISTINCT events, one stream per user, named RANGE frames) on the same files`,
    ['engine', 'seconds', 'speed', 'rows_differing'],
    [
      { engine: 'hand-written DuckDB window frames (baseline)', seconds: hand.seconds, speed: 1, rows_differing: 0 },
      { engine: 'skewless (DuckDB dialect)', seconds: ours.seconds, speed: hand.seconds / ours.seconds, rows_differing: Number(diff.n) },
    ],
    {
      setup: {
        entityRows: ENTITY_ROWS,
        events: EVENTS,
        users: USERS,
        days: DAYS,
        rowsWithEvents7d: Number(nonEmpty.n),
        meanEvents7d: Number(nonEmpty.mean),
        generateSeconds: gen.seconds,
      },
    },
  );
  verdicts('aggregations-offline', [
    { target: 'offline aggregations: skewless time / hand-written DuckDB time', value: ours.seconds / hand.seconds, threshold: 1.5, better: 'lower' },
    { target: 'offline aggregations: rows differing from the hand-written query', value: Number(diff.n), threshold: 0, better: 'lower', unit: 'rows' },
  ]);
}
