import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Entity, FeatureView, Field, FileSource, Float64, String as Str } from '../../shared/definitions/index.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteString } from '../../shared/offline/sql/quote.js';

/** A repo with one view of `features` Float64 features over `entities` users (one row each), as in Feast's benchmark. */
export async function syntheticRepo(dir: string, o: { entities: number; features: number; rowsPerEntity?: number }) {
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'skewless.json'), JSON.stringify({ project: 'bench', registryCacheSeconds: 60 }));
  const names = Array.from({ length: o.features }, (_, i) => `f${i}`);
  const per = o.rowsPerEntity ?? 1;
  const db = await DuckDBSession.create();
  try {
    const cols = names.map((n, i) => `CAST(hash(i, ${i}) % 100000 AS DOUBLE) / 7.0 AS ${n}`).join(', ');
    await db.run(`COPY (SELECT 'u' || (i % ${o.entities}) AS user_id, TIMESTAMP '2024-01-01' + INTERVAL (i // ${o.entities}) HOUR AS event_timestamp, ${cols}
      FROM range(${o.entities * per}) t(i)) TO ${quoteString(join(dir, 'data', 'features.parquet'))} (FORMAT parquet)`);
  } finally {
    db.close();
  }
  const user = new Entity({ name: 'user_id', valueType: Str });
  const view = new FeatureView({
    name: 'bench_view',
    entities: [user],
    ttl: 0,
    schema: names.map((name) => new Field({ name, dtype: Float64 })),
    source: new FileSource({ path: 'data/features.parquet', timestampField: 'event_timestamp' }),
  });
  return { definitions: [user, view], features: names.map((n) => `bench_view:${n}`) };
}
