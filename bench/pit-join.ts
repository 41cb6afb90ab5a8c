/**
 * PIT join: 1 M entity rows against 10 M feature rows (100 k users × 100 rows, 3 features, 7-day TTL),
 * through skewless (Parquet in, Parquet out) next to the same join hand-written in DuckDB on the same
 * files, plus the portable window form (the Athena dialect) run on DuckDB.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureStore } from '../shared/feature-store.js';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, String as Str } from '../shared/definitions/index.js';
import { DuckDBSession } from '../shared/offline/duckdb/session.js';
import { LocalOfflineStore } from '../shared/offline/local/local-offline-store.js';
import { quoteString } from '../shared/offline/sql/quote.js';
import { tempDir } from '../test/helpers/tmp.js';
import { report, time } from './lib/report.js';

const USERS = Number(process.env.BENCH_PIT_USERS ?? 100_000);
const FEATURE_ROWS = Number(process.env.BENCH_PIT_FEATURE_ROWS ?? 10_000_000);
const ENTITY_ROWS = Number(process.env.BENCH_PIT_ENTITY_ROWS ?? 1_000_000);

export async function benchPit(): Promise<void> {
  const tmp = tempDir('skewless-pit-');
  const dir = tmp.dir;
  mkdirSync(join(dir, 'data/features'), { recursive: true });
  writeFileSync(join(dir, 'skewless.json'), JSON.stringify({ project: 'pit' }));
  const features = join(dir, 'data/features/part-0.parquet');
  const entities = join(dir, 'entities.parquet');
  const db = await DuckDBSession.create();
  const gen = await time(async () => {
    await db.run(`COPY (SELECT 'u' || (i % ${USERS}) AS user_id,
        TIMESTAMP '2024-01-01' + INTERVAL (hash(i) % (100 * 86400)) SECOND AS event_timestamp,
        TIMESTAMP '2024-01-01' + INTERVAL (i // ${USERS}) SECOND AS created,
        CAST(hash(i, 1) % 1000 AS BIGINT) AS clicks, CAST(hash(i, 2) % 100000 AS DOUBLE) / 100 AS spend, CAST(hash(i, 3) % 50 AS BIGINT) AS visits
      FROM range(${FEATURE_ROWS}) t(i)) TO ${quoteString(features)} (FORMAT parquet)`);
    await db.run(`COPY (SELECT 'u' || (hash(i, 'u') % ${USERS}) AS user_id,
        TIMESTAMP '2024-01-01' + INTERVAL (hash(i, 't') % (110 * 86400)) SECOND AS event_timestamp, i AS request_id
      FROM range(${ENTITY_ROWS}) t(i)) TO ${quoteString(entities)} (FORMAT parquet)`);
  });

  const user = new Entity({ name: 'user_id', valueType: Str });
  const view = new FeatureView({
    name: 'stats',
    entities: [user],
    ttl: { days: 7 },
    schema: [new Field({ name: 'clicks', dtype: Int64 }), new Field({ name: 'spend', dtype: Float64 }), new Field({ name: 'visits', dtype: Int64 })],
    source: new FileSource({ path: 'data/features', timestampField: 'event_timestamp', createdTimestampColumn: 'created' }),
  });
  const store = await FeatureStore.open(dir);
  await store.apply([user, view]);
  const refs = ['stats:clicks', 'stats:spend', 'stats:visits'];
  const ours = await time(() =>
    store.getHistoricalFeatures({ entity: { path: entities }, features: refs, output: { path: join(dir, 'ours.parquet'), format: 'parquet' } }),
  );

  // What a DuckDB user would write by hand: dedupe ties by created, ASOF JOIN, TTL check.
  const handWritten = `COPY (
    WITH f AS (SELECT * FROM read_parquet(${quoteString(features)}) QUALIFY row_number() OVER (PARTITION BY user_id, event_timestamp ORDER BY created DESC) = 1),
    e AS (SELECT *, row_number() OVER () AS rid FROM read_parquet(${quoteString(entities)}))
    SELECT e.user_id, e.event_timestamp, e.request_id,
      CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 7 DAY THEN f.clicks END AS clicks,
      CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 7 DAY THEN f.spend END AS spend,
      CASE WHEN f.event_timestamp >= e.event_timestamp - INTERVAL 7 DAY THEN f.visits END AS visits
    FROM e ASOF LEFT JOIN f ON e.user_id = f.user_id AND e.event_timestamp >= f.event_timestamp ORDER BY e.rid
  ) TO ${quoteString(join(dir, 'hand.parquet'))} (FORMAT parquet)`;
  const hand = await time(() => db.run(handWritten));

  // Same answer, row for row.
  const [diff] = await db.all(
    `SELECT count(*) AS n FROM (SELECT * FROM read_parquet(${quoteString(join(dir, 'ours.parquet'))}) EXCEPT ALL SELECT * FROM read_parquet(${quoteString(join(dir, 'hand.parquet'))}))`,
  );
  const [matched] = await db.all(`SELECT count(clicks) AS n FROM read_parquet(${quoteString(join(dir, 'ours.parquet'))})`);

  const registry = await store.context.registry();
  const resolved = registry.resolveRefs(refs);
  const window = new LocalOfflineStore({ repoDir: dir, pitStrategy: 'window' });
  const portable = await time(() =>
    window.getHistoricalFeatures({
      entity: { path: entities },
      views: resolved.views,
      outputs: resolved.outputs,
      output: { path: join(dir, 'window.parquet'), format: 'parquet' },
    }),
  );
  const [windowDiff] = await db.all(
    `SELECT count(*) AS n FROM (SELECT * FROM read_parquet(${quoteString(join(dir, 'window.parquet'))}) EXCEPT ALL SELECT * FROM read_parquet(${quoteString(join(dir, 'hand.parquet'))}))`,
  );
  await window.close();
  await store.close();
  db.close();
  tmp.cleanup();

  const rows = [
    { engine: 'hand-written DuckDB ASOF (baseline)', seconds: hand.seconds, speed: 1, rows_differing: 0 },
    { engine: 'skewless (DuckDB dialect, ASOF)', seconds: ours.seconds, speed: hand.seconds / ours.seconds, rows_differing: Number(diff.n) },
    {
      engine: 'skewless (portable window form = Athena dialect)',
      seconds: portable.seconds,
      speed: hand.seconds / portable.seconds,
      rows_differing: Number(windowDiff.n),
    },
  ];
  report(
    'pit-join',
    `${ENTITY_ROWS.toLocaleString('en-US')} entity rows × ${FEATURE_ROWS.toLocaleString('en-US')} feature rows (${USERS.toLocaleString('en-US')} users, 3 features, 7-day ttl), Parquet in and out; baseline: the same join hand-written as a DuckDB ASOF JOIN on the same files`,
    ['engine', 'seconds', 'speed', 'rows_differing'],
    rows,
    {
      setup: {
        entityRows: ENTITY_ROWS,
        featureRows: FEATURE_ROWS,
        users: USERS,
        ttlDays: 7,
        rowsWithFeatures: Number(matched.n),
        generateSeconds: gen.seconds,
      },
    },
  );
}
