/**
 * Materialization rows/s: 1 M entities × 10 features from Parquet into the SQLite online store,
 * next to a bare loop that streams the same rows out of DuckDB and inserts them into SQLite.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FeatureStore } from '../shared/feature-store.js';
import { DuckDBSession } from '../shared/offline/duckdb/session.js';
import { quoteString } from '../shared/offline/sql/quote.js';
import { tempDir } from '../test/helpers/tmp.js';
import { report, time } from './lib/report.js';
import { syntheticRepo } from './lib/synthetic-repo.js';

const ENTITIES = Number(process.env.BENCH_MAT_ENTITIES ?? 1_000_000);

export async function benchMaterialize(): Promise<void> {
  const tmp = tempDir('skewless-mat-');
  const { definitions } = await syntheticRepo(tmp.dir, { entities: ENTITIES, features: 10 });
  const store = await FeatureStore.open(tmp.dir);
  await store.apply(definitions);
  const ours = await time(() => store.materialize({ start: new Date(0), end: new Date('2030-01-01T00:00:00Z') }));
  await store.close();

  // Baseline: the same rows, streamed from DuckDB and inserted with a plain prepared INSERT.
  const sqlite = new Database(join(tmp.dir, 'bare.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('CREATE TABLE t (entity_key TEXT PRIMARY KEY, features TEXT, event_ts INTEGER)');
  const insert = sqlite.prepare('INSERT INTO t VALUES (?, ?, ?)');
  const tx = sqlite.transaction((rows: Record<string, unknown>[]) => {
    for (const r of rows) {
      const { user_id, event_timestamp, ...values } = r;
      insert.run(user_id as string, JSON.stringify(values), (event_timestamp as Date).getTime());
    }
  });
  const db = await DuckDBSession.create();
  const bare = await time(async () => {
    let n = 0;
    let batch: Record<string, unknown>[] = [];
    for await (const chunk of db.stream(`SELECT * FROM read_parquet(${quoteString(join(tmp.dir, 'data/features.parquet'))})`)) {
      batch.push(...chunk);
      if (batch.length >= 5000) tx(batch), (n += batch.length), (batch = []);
    }
    tx(batch);
    return n + batch.length;
  });
  db.close();
  sqlite.close();
  tmp.cleanup();

  const rows = ours.result[0].rows;
  report(
    'materialize',
    `${ENTITIES.toLocaleString('en-US')} rows × 10 features, Parquet → SQLite; baseline: bare DuckDB stream → SQLite INSERT in the same run; speed in rows/s`,
    ['path', 'rows', 'seconds', 'rows_per_s', 'speed'],
    [
      {
        path: 'bare DuckDB stream → SQLite INSERT (baseline)',
        rows: bare.result,
        seconds: bare.seconds,
        rows_per_s: Math.round(bare.result / bare.seconds),
        speed: 1,
      },
      {
        path: 'skewless materialize (latest per key, newer-wins upsert, watermark)',
        rows,
        seconds: ours.seconds,
        rows_per_s: Math.round(rows / ours.seconds),
        speed: rows / ours.seconds / (bare.result / bare.seconds),
      },
    ],
    { setup: { entities: ENTITIES, features: 10, store: 'SQLite (local provider)' } },
  );
}
