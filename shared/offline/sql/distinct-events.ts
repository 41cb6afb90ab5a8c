import type { DType } from '../../definitions/dtypes.js';
import type { CompiledQuery, SourceNode } from './nodes.js';
import { EVENT_TS, type PitCompiler } from './pit-compiler.js';
import { quoteIdentifier as q } from './quote.js';

/**
 * The events of an aggregation view (docs/aggregations.md#duplicates), the one definition both the
 * aggregation join and the backfill of tiles read: every row with its join keys and its event time
 * set, deduplicated on its whole content (join keys, event time, every event column). A null in an
 * event column keeps the event — each aggregation skips nulls of its own column, and `count` of
 * events counts it.
 */
export function distinctEventsSelect(joinKeys: readonly string[], eventColumns: readonly string[], relation: string): string {
  const keys = joinKeys.map(q);
  const columns = [...keys, q(EVENT_TS), ...eventColumns.map(q)];
  const keyed = [...keys, q(EVENT_TS)].map((k) => `${k} IS NOT NULL`).join(' AND ');
  return `SELECT DISTINCT ${columns.join(', ')} FROM ${relation} WHERE ${keyed}`;
}

/** The distinct events of a view's source with start ≤ event_ts < end (the backfill of one materialization chunk). */
export interface EventsQueryNode {
  readonly kind: 'EventsQuery';
  readonly source: SourceNode;
  readonly joinKeys: readonly { name: string; dtype: DType }[];
  /** Event columns (source node names), all of them: an event's identity is its whole content. */
  readonly eventColumns: readonly string[];
  readonly start: Date;
  readonly end: Date;
}

export const eventsQuery = (n: Omit<EventsQueryNode, 'kind'>): EventsQueryNode => Object.freeze({ kind: 'EventsQuery', ...n });

/**
 * The distinct events in [start, end) — the same rows the aggregation join aggregates, so tiles
 * built from them hold what training reads. Columns: join keys, `__event_ts`, event columns.
 * `ordered`: by entity key (each part as text, parts by name: the online store's key order), then
 * event time — the order tiles are folded in, for an engine that streams its result in order
 * (DuckDB; Athena's UNLOAD writes files in parallel, with no order to keep).
 */
export function compileDistinctEvents(compiler: PitCompiler, query: EventsQueryNode, options: { ordered?: boolean } = {}): CompiledQuery {
  const src = compiler.sourceSelect(query.source, { from: query.start, to: query.end, halfOpen: true });
  const names = query.joinKeys.map((k) => k.name);
  const sql = distinctEventsSelect(names, query.eventColumns, `(${src}) ${q('__source')}`);
  if (!options.ordered) return Object.freeze({ sql });
  const order = [...[...names].sort().map((k) => `CAST(${q(k)} AS VARCHAR)`), q(EVENT_TS)];
  return Object.freeze({ sql: `SELECT * FROM (${sql}) ${q('__events')} ORDER BY ${order.join(', ')}` });
}
