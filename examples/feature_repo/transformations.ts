import { join } from 'node:path';
import { sqlString, type BatchContext, type Columns } from 'skewless';

const ts = (d: Date) => `TIMESTAMP ${sqlString(d.toISOString().replace('T', ' ').replace('Z', ''))}`;

/**
 * The seed's `compute_user_activity_features`, as of a given time: sessions (distinct), mean
 * duration, sums of messages / tools / tokens, and the preferred model = the mode (ties → the
 * alphabetically first model, as pandas' `mode().iloc[0]`). One row per user active in
 * [asOf − 7 days, asOf]. No wall clock: the caller says when "now" is.
 */
export function userActivitySql(rawEventsDir: string, asOf: Date, createdAt: Date): string {
  const from = new Date(asOf.getTime() - 7 * 86_400_000);
  return `
WITH recent AS (
  SELECT * FROM read_parquet(${sqlString(join(rawEventsDir, '*.parquet'))})
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

/** The batch transformation declared on `user_activity`: writes one Parquet part, returns its row count. */
export async function computeUserActivityFeatures(ctx: BatchContext): Promise<number> {
  await ctx.db.copyTo(userActivitySql(ctx.input, ctx.asOf, ctx.createdAt), ctx.outputPath, 'parquet');
  const [r] = await ctx.db.all(`SELECT count(*) AS n FROM read_parquet(${sqlString(ctx.outputPath)})`);
  return Number(r.n);
}

/**
 * On-demand engagement features, computed from stored features at request time — the same
 * function after the PIT join (training) and in online lookup (serving).
 */
export function engagementFeatures(c: Columns): Columns {
  const n = c.total_tokens_7d.length;
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const out: Columns = { tokens_per_message_7d: [], realtime_token_share: [], is_power_user: [] };
  for (let i = 0; i < n; i++) {
    const tokens = num(c.total_tokens_7d[i]);
    const messages = num(c.messages_sent_7d[i]);
    const live = num(c.current_session_tokens[i]);
    out.tokens_per_message_7d.push(tokens !== null && messages ? tokens / messages : null);
    out.realtime_token_share.push(live !== null && tokens !== null && tokens + live > 0 ? live / (tokens + live) : null);
    out.is_power_user.push(num(c.sessions_7d[i]) !== null ? (c.sessions_7d[i] as number) >= 5 : null);
  }
  return out;
}
