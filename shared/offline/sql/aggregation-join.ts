import { InternalError } from '../../errors.js';
import type { Dialect } from './dialect.js';
import { distinctEventsSelect } from './distinct-events.js';
import type { AggregationNode, AggViewNode, EntityNode, Selection } from './nodes.js';
import { EVENT_TS, type ViewJoin } from './pit-compiler.js';
import { quoteIdentifier as q } from './quote.js';

// Internal column names of the aggregation CTEs (event columns are validated names, never these).
const RID = '__agg_rid';
const TICK = '__agg_tick';
const EVENT = '__agg_event';

/**
 * One aggregation view joined onto the entity rows (docs/aggregations.md): for each entity row at
 * ts, each aggregation over the view's events with equal join keys and ts − window < event_ts ≤ ts.
 *
 * The events (`distinctEventsSelect`: deduplicated on their whole content, so a redelivered event
 * counts once; the rows a backfill folds into tiles) and the entity rows are merged into one
 * stream per key, ordered by an integer clock; every aggregation is a range frame `[tick − (window − 1 tick), tick]` over that stream, so one sort serves every
 * window and function and no row is compared with every event (the form a DuckDB user writes by
 * hand). Entity rows carry no values, so they add nothing to any aggregate. Distinct counts take a
 * range join instead where the engine has no DISTINCT in window aggregates.
 */
export function aggregationJoin(dialect: Dialect, v: AggViewNode, source: string, alias: string, entity: EntityNode): ViewJoin {
  const a = dialect.aggregation;
  const keys = v.joinKeys.map((k) => q(k.name));
  const cols = v.eventColumns.map(q);
  const events = `${v.alias}__events`;
  const stream = `${v.alias}__stream`;
  const frames = `${v.alias}__frames`;
  const ts = q(entity.timestampColumn);
  const rid = q(entity.rowIdColumn);

  const ctes = [
    `${q(events)} AS (${distinctEventsSelect(
      v.joinKeys.map((k) => k.name),
      v.eventColumns,
      q(source),
    )})`,
    `${q(stream)} AS (` +
      `SELECT ${[`e.${rid} AS ${q(RID)}`, ...keys.map((k) => `e.${k} AS ${k}`), `${a.ticks(`e.${ts}`)} AS ${q(TICK)}`, `NULL AS ${q(EVENT)}`, ...cols.map((c) => `NULL AS ${c}`)].join(', ')} FROM ${q('__entity')} e` +
      ` UNION ALL SELECT ${[`NULL AS ${q(RID)}`, ...keys, `${a.ticks(q(EVENT_TS))} AS ${q(TICK)}`, `1 AS ${q(EVENT)}`, ...cols].join(', ')} FROM ${q(events)})`,
  ];

  const inFrame = v.aggregations.filter((g) => g.function !== 'count_distinct' || a.distinctInFrame);
  const joined = v.aggregations.filter((g) => !inFrame.includes(g));
  const over = (w: number) => `OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${q(TICK)} RANGE BETWEEN ${w * a.ticksPerSecond - 1} PRECEDING AND CURRENT ROW)`;
  const framed = inFrame.map((g) => `${frameExpression(dialect, g, over(g.windowSeconds))} AS ${q(g.name)}`);
  ctes.push(`${q(frames)} AS (SELECT * FROM (SELECT ${[q(RID), ...framed].join(', ')} FROM ${q(stream)}) s WHERE ${q(RID)} IS NOT NULL)`);
  const joins = [`LEFT JOIN ${q(frames)} ${alias} ON ${alias}.${q(RID)} = e.${rid}`];
  const selections: Selection[] = inFrame.map((g) => ({ alias: g.as, sql: `${alias}.${q(g.name)}` }));

  if (joined.length) {
    // Per entity row, its events over the longest distinct window; each count filters its own window.
    const distinct = `${v.alias}__distinct`;
    const d = `${alias}d`;
    const longest = Math.max(...joined.map((g) => g.windowSeconds)) * a.ticksPerSecond;
    const counts = joined.map((g) => {
      const inWindow = `f.${q(TICK)} > r.${q(TICK)} - ${g.windowSeconds * a.ticksPerSecond}`;
      return `count(DISTINCT CASE WHEN ${inWindow} THEN f.${q(column(g))} END) AS ${q(g.name)}`;
    });
    ctes.push(
      `${q(distinct)} AS (SELECT r.${q(RID)}, ${counts.join(', ')} ` +
        `FROM (SELECT * FROM ${q(stream)} WHERE ${q(RID)} IS NOT NULL) r JOIN (SELECT * FROM ${q(stream)} WHERE ${q(EVENT)} = 1) f ` +
        `ON ${[...keys.map((k) => `f.${k} = r.${k}`), `f.${q(TICK)} <= r.${q(TICK)}`, `f.${q(TICK)} > r.${q(TICK)} - ${longest}`].join(' AND ')} ` +
        `GROUP BY r.${q(RID)})`,
    );
    joins.push(`LEFT JOIN ${q(distinct)} ${d} ON ${d}.${q(RID)} = e.${rid}`);
    // An entity row without events in the window has no group: its distinct count is 0.
    selections.push(...joined.map((g) => ({ alias: g.as, sql: `coalesce(${d}.${q(g.name)}, 0)` })));
  }
  return { ctes, join: joins.join('\n'), selections };
}

function column(g: AggregationNode): string {
  if (g.column === undefined) throw new InternalError(`aggregation ${g.name} (${g.function}) has no column`);
  return g.column;
}

/**
 * The frame expression of one aggregation (docs/aggregations.md#nulls-and-empty-windows): nulls
 * are skipped; an empty window counts 0 and sums 0, its mean / min / max / last are null and its
 * last_n is []. last and last_n order events by (event time, value), so ties have one answer.
 */
function frameExpression(dialect: Dialect, g: AggregationNode, over: string): string {
  const t = (dtype: Parameters<Dialect['sqlType']>[0]) => dialect.sqlType(dtype);
  const x = g.column === undefined ? undefined : q(g.column);
  const latest = () => `CASE WHEN ${x} IS NOT NULL THEN row(${q(TICK)}, ${x}) END`;
  switch (g.function) {
    case 'count':
      return `count(${x ?? q(EVENT)}) ${over}`;
    case 'count_distinct':
      return `count(DISTINCT ${x}) ${over}`;
    case 'sum': {
      const type = t(g.dtype);
      return `CAST(coalesce(sum(CAST(${x} AS ${type})) ${over}, 0) AS ${type})`;
    }
    case 'mean':
      return `avg(CAST(${x} AS ${t('Float64')})) ${over}`;
    case 'min':
    case 'max':
      return `${g.function}(${x}) ${over}`;
    case 'last':
      return `max_by(${x}, ${latest()}) ${over}`;
    case 'last_n':
      return `coalesce(max_by(${x}, ${latest()}, ${g.n}) ${over}, ARRAY[])`;
  }
}
