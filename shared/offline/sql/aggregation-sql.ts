/**
 * What differs between engines in the aggregation join (docs/aggregations.md#windows). Windows are
 * range frames over an integer clock in the engine's timestamp precision, so the half-open window
 * `(ts − w, ts]` is the closed frame `[ts − w + 1 tick, ts]` exactly, with no interval arithmetic.
 */
export interface AggregationSql {
  /** The integer clock of a timestamp expression. */
  ticks(ts: string): string;
  /** Clock ticks per second: the engine's timestamp precision. */
  readonly ticksPerSecond: number;
  /**
   * Whether `count(DISTINCT x) OVER (… RANGE …)` exists; without it distinct counts take a range
   * join grouped by entity row (Trino has no DISTINCT in window aggregates).
   */
  readonly distinctInFrame: boolean;
}

/** DuckDB: microsecond timestamps (Parquet's precision). */
export const DUCKDB_AGGREGATION: AggregationSql = Object.freeze({
  ticks: (ts: string) => `epoch_us(${ts})`,
  ticksPerSecond: 1_000_000,
  distinctInFrame: true,
});

/**
 * Athena (Trino): timestamps are read with millisecond precision, so the clock is milliseconds.
 * `date_diff` is spelled as both Trino and DuckDB (the Athena test double) read it.
 */
export const TRINO_AGGREGATION: AggregationSql = Object.freeze({
  ticks: (ts: string) => `date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00', ${ts})`,
  ticksPerSecond: 1000,
  distinctInFrame: false,
});
