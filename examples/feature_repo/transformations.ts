import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteString } from '../../shared/offline/sql/quote.js';

export interface ComputeOptions {
  /** Directory of raw event Parquet parts. */
  rawEventsDir: string;
  /** The aggregates cover events with asOf − 7 days ≤ event_date ≤ asOf. No wall clock. */
  asOf: Date;
  /** When the job ran (the created timestamp); defaults to asOf. */
  createdAt?: Date;
  outputPath: string;
}

const ts = (d: Date) => `TIMESTAMP ${quoteString(d.toISOString().replace('T', ' ').replace('Z', ''))}`;

/**
 * The seed's `compute_user_activity_features`, as of a given time: sessions (distinct), mean
 * duration, sums of messages / tools / tokens, and the preferred model = the mode (ties → the
 * alphabetically first model, as pandas' `mode().iloc[0]`). One row per user active in the window.
 */
export function userActivitySql(rawEventsDir: string, asOf: Date, createdAt: Date): string {
  const from = new Date(asOf.getTime() - 7 * 86_400_000);
  return `
WITH recent AS (
  SELECT * FROM read_parquet(${quoteString(join(resolve(rawEventsDir), '*.parquet'))})
  WHERE event_date >= ${ts(from)} AND event_date <= ${ts(asOf)}
),
model_counts AS (SELECT user_id, model, count(*) AS n FROM recent GROUP BY user_id, model),
preferred AS (
  SELECT user_id, model FROM model_counts
  QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY n DESC, model ASC) = 1
)
SELECT r.user_id,
  CAST(count(DISTINCT r.session_id) AS BIGINT) AS sessions_7d,
  CAST(avg(r.duration_sec) AS FLOAT) AS avg_session_duration_sec,
  CAST(sum(r.message_count) AS BIGINT) AS messages_sent_7d,
  CAST(sum(r.tool_invocations) AS BIGINT) AS tools_used_7d,
  p.model AS preferred_model,
  CAST(sum(r.tokens) AS BIGINT) AS total_tokens_7d,
  ${ts(asOf)} AS event_date,
  ${ts(createdAt)} AS created_at
FROM recent r JOIN preferred p USING (user_id)
GROUP BY r.user_id, p.model
ORDER BY r.user_id`;
}

/** Runs the transformation and writes one Parquet part. Returns the number of users written. */
export async function computeUserActivityFeatures(o: ComputeOptions, db?: DuckDBSession): Promise<number> {
  const session = db ?? (await DuckDBSession.create());
  try {
    await mkdir(dirname(resolve(o.outputPath)), { recursive: true });
    const sql = userActivitySql(o.rawEventsDir, o.asOf, o.createdAt ?? o.asOf);
    await session.copyTo(sql, resolve(o.outputPath), 'parquet');
    const [r] = await session.all(`SELECT count(*) AS n FROM read_parquet(${quoteString(resolve(o.outputPath))})`);
    return Number(r.n);
  } finally {
    if (!db) session.close();
  }
}
