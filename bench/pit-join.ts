/**
 * PIT join at scale (issue 13 target 5), Parquet in and Parquet out, every case measured on the
 * same files next to the join a DuckDB user writes by hand (dedupe ties by created, ASOF JOIN,
 * TTL check, input order):
 *   - 1 M entity rows × 10 M feature rows (100 k users × 100 rows, 3 features, 7-day TTL),
 *   - 10 M entity rows × the same 10 M feature rows,
 *   - 10 M entity rows × 3 views of 10 M feature rows each (memory bounded: DuckDB spills).
 * skewless runs as a user runs it (the form chosen from row counts, `choosePitForm`), and each
 * form forced, to show the crossover the choice follows. BENCH_PIT_SCALE scales every row count
 * (0.1 for a quick run); BENCH_PIT_MEMORY is DuckDB's memory limit on both sides (default 8GB);
 * BENCH_PIT_CASES picks cases by id, comma-separated (`1m`, `10m`, `3views`; default all), e.g.
 * `BENCH_PIT_CASES=3views npm run bench -- pit` runs only the scale case at full size.
 * BENCH_PIT_PROFILE=1 runs each case's hand-written query and skewless's chosen query once more
 * under DuckDB's profiler and adds their costliest operators to the table (not timed).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureStore } from '../shared/feature-store.js';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, String as Str } from '../shared/definitions/index.js';
import { DuckDBSession } from '../shared/offline/duckdb/session.js';
import { ENTITY_TABLE, LocalOfflineStore } from '../shared/offline/local/local-offline-store.js';
import { ROW_ID } from '../shared/offline/entity-rows.js';
import { choosePitForm } from '../shared/offline/sql/pit-form.js';
import { quoteIdentifier, quoteString } from '../shared/offline/sql/quote.js';
import { tempDir } from '../test/helpers/tmp.js';
import { report, time, verdicts, type Target } from './lib/report.js';

const SCALE = Number(process.env.BENCH_PIT_SCALE ?? 1);
const MEMORY = process.env.BENCH_PIT_MEMORY ?? '8GB';
const USERS = Math.round(100_000 * SCALE);
const FEATURE_ROWS = Math.round(10_000_000 * SCALE);
const SMALL_ENTITY_ROWS = Math.round(1_000_000 * SCALE);
const LARGE_ENTITY_ROWS = Math.round(10_000_000 * SCALE);
const VIEWS = ['stats', 'stats_b', 'stats_c'];
const CASE_IDS = ['1m', '10m', '3views'] as const;
const SELECTED = (process.env.BENCH_PIT_CASES ?? CASE_IDS.join(',')).split(',').map((s) => s.trim());
for (const id of SELECTED)
  if (!CASE_IDS.includes(id as never)) throw new Error(`BENCH_PIT_CASES: unknown case '${id}', expected one of ${CASE_IDS.join(', ')}`);
const PROFILE = process.env.BENCH_PIT_PROFILE === '1';
const M = (n: number) => `${(n / 1e6).toLocaleString('en-US', { maximumFractionDigits: 2 })} M`;

interface Case {
  id: (typeof CASE_IDS)[number];
  name: string;
  entityFile: string;
  entityRows: number;
  views: string[];
  /** Forced forms to run besides the chosen one. */
  forms: ('asof' | 'window')[];
}

/** The feature rows of one view: every user has 100 rows over 100 days, ties on event time decided by `created`. */
function featureSql(seed: number, path: string): string {
  return `COPY (SELECT 'u' || (i % ${USERS}) AS user_id,
      TIMESTAMP '2024-01-01' + INTERVAL (hash(i, ${seed}) % (100 * 86400)) SECOND AS event_timestamp,
      TIMESTAMP '2024-01-01' + INTERVAL (i // ${USERS}) SECOND AS created,
      CAST(hash(i, ${seed}, 1) % 1000 AS BIGINT) AS clicks, CAST(hash(i, ${seed}, 2) % 100000 AS DOUBLE) / 100 AS spend, CAST(hash(i, ${seed}, 3) % 50 AS BIGINT) AS visits
    FROM range(${FEATURE_ROWS}) t(i)) TO ${quoteString(path)} (FORMAT parquet)`;
}

function entitySql(rows: number, path: string): string {
  return `COPY (SELECT 'u' || (hash(i, 'u') % ${USERS}) AS user_id,
      TIMESTAMP '2024-01-01' + INTERVAL (hash(i, 't') % (110 * 86400)) SECOND AS event_timestamp, i AS request_id
    FROM range(${rows}) t(i)) TO ${quoteString(path)} (FORMAT parquet)`;
}

/** What a DuckDB user writes by hand for the same answer: per view, dedupe ties by created, ASOF JOIN, TTL check; input order. */
function handWritten(dir: string, c: Case, out: string): string {
  const ctes = c.views.map(
    (v) =>
      `${v} AS (SELECT * FROM read_parquet(${quoteString(join(dir, 'data', v, 'part-0.parquet'))}) QUALIFY row_number() OVER (PARTITION BY user_id, event_timestamp ORDER BY created DESC) = 1)`,
  );
  const inTtl = (v: string) => `${v}.event_timestamp >= e.event_timestamp - INTERVAL 7 DAY`;
  const cols = c.views.flatMap((v) =>
    ['clicks', 'spend', 'visits'].map((f) => `CASE WHEN ${inTtl(v)} THEN ${v}.${f} END AS ${c.views.length > 1 ? `${v}__${f}` : f}`),
  );
  const joins = c.views.map((v) => `ASOF LEFT JOIN ${v} ON e.user_id = ${v}.user_id AND e.event_timestamp >= ${v}.event_timestamp`);
  return `COPY (
    WITH ${ctes.join(',\n')},
    e AS (SELECT *, row_number() OVER () AS rid FROM read_parquet(${quoteString(c.entityFile)}))
    SELECT e.user_id, e.event_timestamp, e.request_id, ${cols.join(', ')}
    FROM e ${joins.join(' ')} ORDER BY e.rid
  ) TO ${quoteString(out)} (FORMAT parquet)`;
}

interface ProfileNode {
  operator_name?: string;
  operator_timing?: number;
  children?: ProfileNode[];
}

/** Runs one statement under DuckDB's profiler (EXPLAIN ANALYZE's figures, as JSON); returns its costliest operators. */
async function topOperators(db: DuckDBSession, sql: string, file: string, n = 5): Promise<string> {
  await db.run("PRAGMA enable_profiling = 'json'");
  await db.run(`PRAGMA profiling_output = ${quoteString(file)}`);
  try {
    await db.run(sql);
  } finally {
    await db.run('PRAGMA disable_profiling');
  }
  const ops: { name: string; seconds: number }[] = [];
  const walk = (node: ProfileNode): void => {
    if (node.operator_name) ops.push({ name: node.operator_name, seconds: node.operator_timing ?? 0 });
    for (const c of node.children ?? []) walk(c);
  };
  walk(JSON.parse(readFileSync(file, 'utf8')) as ProfileNode);
  return ops
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, n)
    .map((o) => `${o.name} ${o.seconds.toFixed(1)} s`)
    .join(', ');
}

/** skewless's compiled query over the same entity rows, staged as the local store stages an entity Parquet file. */
async function profileOurs(db: DuckDBSession, entityFile: string, sql: string, dir: string): Promise<string> {
  await db.run(
    `CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(ENTITY_TABLE)} AS SELECT file_row_number AS ${quoteIdentifier(ROW_ID)}, * FROM read_parquet(${quoteString(entityFile)}, file_row_number = true)`,
  );
  try {
    return await topOperators(db, `COPY (${sql}) TO ${quoteString(join(dir, 'profiled-ours.parquet'))} (FORMAT parquet)`, join(dir, 'profile-ours.json'));
  } finally {
    await db.run(`DROP VIEW ${quoteIdentifier(ENTITY_TABLE)}`);
  }
}

export async function benchPit(): Promise<void> {
  const tmp = tempDir('skewless-pit-');
  const dir = tmp.dir;
  writeFileSync(join(dir, 'skewless.json'), JSON.stringify({ project: 'pit' }));
  const db = await DuckDBSession.create({ memoryLimit: MEMORY, tempDirectory: join(dir, 'duckdb-tmp-hand') });
  const small = join(dir, 'entities-small.parquet');
  const large = join(dir, 'entities-large.parquet');
  const gen = await time(async () => {
    for (const [i, v] of VIEWS.entries()) {
      mkdirSync(join(dir, 'data', v), { recursive: true });
      await db.run(featureSql(i + 1, join(dir, 'data', v, 'part-0.parquet')));
    }
    if (SELECTED.includes('1m')) await db.run(entitySql(SMALL_ENTITY_ROWS, small));
    if (SELECTED.some((id) => id !== '1m')) await db.run(entitySql(LARGE_ENTITY_ROWS, large));
  });

  const user = new Entity({ name: 'user_id', valueType: Str });
  const views = VIEWS.map(
    (name) =>
      new FeatureView({
        name,
        entities: [user],
        ttl: { days: 7 },
        schema: [new Field({ name: 'clicks', dtype: Int64 }), new Field({ name: 'spend', dtype: Float64 }), new Field({ name: 'visits', dtype: Int64 })],
        source: new FileSource({ path: `data/${name}`, timestampField: 'event_timestamp', createdTimestampColumn: 'created' }),
      }),
  );
  const store = await FeatureStore.open(dir);
  await store.apply([user, ...views]);
  const registry = await store.context.registry();
  await store.close();

  const cases = (
    [
      {
        id: '1m',
        name: `${M(SMALL_ENTITY_ROWS)} × ${M(FEATURE_ROWS)}`,
        entityFile: small,
        entityRows: SMALL_ENTITY_ROWS,
        views: ['stats'],
        forms: ['asof', 'window'],
      },
      {
        id: '10m',
        name: `${M(LARGE_ENTITY_ROWS)} × ${M(FEATURE_ROWS)}`,
        entityFile: large,
        entityRows: LARGE_ENTITY_ROWS,
        views: ['stats'],
        forms: ['asof', 'window'],
      },
      {
        id: '3views',
        name: `${M(LARGE_ENTITY_ROWS)} × 3 views × ${M(FEATURE_ROWS)}`,
        entityFile: large,
        entityRows: LARGE_ENTITY_ROWS,
        views: VIEWS,
        forms: [],
      },
    ] satisfies Case[]
  ).filter((c) => SELECTED.includes(c.id));
  const rows: Record<string, unknown>[] = [];
  const targets: Target[] = [];
  for (const [ci, c] of cases.entries()) {
    const handOut = join(dir, `hand-${ci}.parquet`);
    const hand = await time(() => db.run(handWritten(dir, c, handOut)));
    rows.push({
      case: c.name,
      engine: 'hand-written DuckDB ASOF (baseline)',
      seconds: hand.seconds,
      speed: 1,
      rows_differing: 0,
      ...(PROFILE ? { top_operators: await topOperators(db, handWritten(dir, c, join(dir, 'profiled-hand.parquet')), join(dir, 'profile-hand.json')) } : {}),
    });
    const refs = c.views.flatMap((v) => ['clicks', 'spend', 'visits'].map((f) => `${v}:${f}`));
    const resolved = registry.resolveRefs(refs, c.views.length > 1);
    const chosen = choosePitForm(
      c.entityRows,
      c.views.map(() => FEATURE_ROWS),
    );
    for (const form of ['auto', ...c.forms] as const) {
      const out = join(dir, `ours-${ci}-${form}.parquet`);
      const offline = new LocalOfflineStore({ repoDir: dir, pitStrategy: form, memoryLimit: MEMORY, tempDirectory: join(dir, 'duckdb-tmp-ours') });
      const ours = await time(() =>
        offline.getHistoricalFeatures({
          entity: { path: c.entityFile },
          views: resolved.views,
          outputs: resolved.outputs,
          output: { path: out, format: 'parquet' },
        }),
      );
      await offline.close();
      const [diff] = await db.all(
        `SELECT count(*) AS n FROM (SELECT * FROM read_parquet(${quoteString(out)}) EXCEPT ALL SELECT * FROM read_parquet(${quoteString(handOut)}))`,
      );
      const speed = hand.seconds / ours.seconds;
      rows.push({
        case: c.name,
        engine: form === 'auto' ? `skewless (chosen form: ${chosen})` : `skewless, ${form} form forced`,
        seconds: ours.seconds,
        speed,
        rows_differing: Number(diff.n),
        ...(PROFILE && form === 'auto' ? { top_operators: await profileOurs(db, c.entityFile, ours.result.sql ?? '', dir) } : {}),
      });
      if (form === 'auto' && c.views.length > 1) {
        // Issue 13 target 5 states the scale case as time: ≤ 1.0× the hand-written query's, and ≤ 30 s.
        targets.push({ target: `PIT ${c.name}: time / hand-written DuckDB time`, value: ours.seconds / hand.seconds, threshold: 1, better: 'lower' });
      } else if (form === 'auto') {
        targets.push({ target: `PIT ${c.name}: speed vs hand-written DuckDB`, value: speed, threshold: 1, better: 'higher' });
      }
      if (form === 'auto') {
        // The 30 s goal is for the full size on the 2-core bench machine; a scaled run has no seconds target.
        if (c.views.length > 1 && SCALE === 1)
          targets.push({ target: `PIT ${c.name}: seconds`, value: ours.seconds, threshold: 30, better: 'lower', unit: 's' });
      }
    }
  }
  db.close();
  tmp.cleanup();

  report(
    'pit-join',
    `PIT join, Parquet in and out (${USERS.toLocaleString('en-US')} users, 3 features per view, 7-day ttl, DuckDB memory_limit ${MEMORY} with spilling); baseline: the same join hand-written as a DuckDB ASOF JOIN on the same files; speed ≥ 1: as fast as the hand-written query or faster`,
    ['case', 'engine', 'seconds', 'speed', 'rows_differing', ...(PROFILE ? ['top_operators'] : [])],
    rows,
    {
      setup: {
        scale: SCALE,
        users: USERS,
        featureRows: FEATURE_ROWS,
        entityRows: [SMALL_ENTITY_ROWS, LARGE_ENTITY_ROWS],
        ttlDays: 7,
        memoryLimit: MEMORY,
        generateSeconds: gen.seconds,
      },
    },
  );
  verdicts('pit-join', targets);
}
