import { InternalError, ValidationError } from '../../errors.js';
import { utcDay } from '../../util/time.js';
import { aggregationJoin } from './aggregation-join.js';
import type { Dialect } from './dialect.js';
import type { CompiledQuery, EntityNode, LatestQueryNode, PitQueryNode, PitViewNode, Selection, SourceNode } from './nodes.js';
import { quoteIdentifier as q, quoteString } from './quote.js';

/** Names of the typed event and created timestamps in every compiled source select (and in materialization results). */
export const EVENT_TS = '__event_ts';
export const CREATED_TS = '__created_ts';

/** What one view adds to a PIT query: its CTEs, its join onto the entity rows, its feature columns. */
export interface ViewJoin {
  readonly ctes: readonly string[];
  readonly join: string;
  readonly selections: readonly Selection[];
}

/**
 * Compiles PIT joins and materialization reads to SQL for one dialect (docs/semantics.md#pit-join).
 * Output: one row per entity row, input order and duplicates kept, input columns first. The forms
 * of the PIT join (ASOF, window) are subclasses overriding `joinView`; a dialect creates the one it
 * runs (`dialect.createCompiler()`).
 */
export abstract class PitCompiler {
  constructor(readonly dialect: Dialect) {}

  /**
   * How one view's rows are joined onto the entity rows (`e`, staged as `__entity`): `source` is the
   * CTE of the view's typed rows, `alias` the unique relation alias the join must use.
   */
  protected abstract joinView(view: PitViewNode, source: string, alias: string, entity: EntityNode): ViewJoin;

  /** The typed rows of a source, restricted to [from, to] (inclusive) when given, or [from, to) for `halfOpen`. */
  sourceSelect(src: SourceNode, range?: { from?: Date; to: Date; halfOpen?: boolean }): string {
    const d = this.dialect;
    const ts = `CAST(${q(src.timestampColumn)} AS TIMESTAMP)`;
    const cols = src.columns.map((c) => `CAST(${q(c.source)} AS ${d.sqlType(c.dtype)}) AS ${q(c.as)}`);
    cols.push(`${ts} AS ${q(EVENT_TS)}`);
    cols.push(src.createdColumn ? `CAST(${q(src.createdColumn)} AS TIMESTAMP) AS ${q(CREATED_TS)}` : `CAST(NULL AS TIMESTAMP) AS ${q(CREATED_TS)}`);
    const extra = [src.timestampColumn, ...(src.createdColumn ? [src.createdColumn] : []), ...(src.datePartitionColumn ? [src.datePartitionColumn] : [])];
    const where: string[] = [];
    if (range) {
      if (range.from) where.push(`${ts} >= ${d.timestampLiteral(range.from)}`);
      where.push(`${ts} ${range.halfOpen ? '<' : '<='} ${d.timestampLiteral(range.to)}`);
      if (src.datePartitionColumn) {
        // Partition pruning: the dt partition holds the event date, so whole days outside the range are skipped.
        if (range.from) where.push(`${q(src.datePartitionColumn)} >= ${quoteString(utcDay(range.from))}`);
        where.push(`${q(src.datePartitionColumn)} <= ${quoteString(utcDay(range.to))}`);
      }
    }
    if (src.location.kind === 'table' && src.location.objects) where.push(d.objectFilter(src.location.objects));
    return `SELECT ${cols.join(', ')} FROM ${d.relation(src.location, src.columns, extra)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  }

  compilePit(query: PitQueryNode, timeRange?: { min: Date; max: Date }): CompiledQuery {
    this.checkOutputNames(query);
    const { entity } = query;
    const joinKeyTypes = new Map(query.views.flatMap((v) => v.joinKeys.map((k) => [k.name, this.dialect.sqlType(k.dtype)] as const)));
    const entityCols = entity.columns.map((c) => {
      if (c === entity.timestampColumn) return `CAST(${q(c)} AS TIMESTAMP) AS ${q(c)}`;
      const t = joinKeyTypes.get(c);
      return t ? `CAST(${q(c)} AS ${t}) AS ${q(c)}` : q(c);
    });
    const from = entity.database ? `${q(entity.database)}.${q(entity.table)}` : q(entity.table);
    const ctes = [`${q('__entity')} AS (SELECT ${q(entity.rowIdColumn)}, ${entityCols.join(', ')} FROM ${from})`];
    const selections = new Map<string, Selection>();
    const joins: string[] = [];
    query.views.forEach((v, i) => {
      const range = timeRange && {
        from: v.ttlSeconds > 0 ? new Date(timeRange.min.getTime() - v.ttlSeconds * 1000) : undefined,
        to: timeRange.max,
      };
      const source = `${v.alias}__src`;
      ctes.push(`${q(source)} AS (${this.sourceSelect(v.source, range)})`);
      const view = v.kind === 'AggView' ? aggregationJoin(this.dialect, v, source, `v${i}`, entity) : this.joinView(v, source, `v${i}`, entity);
      ctes.push(...view.ctes);
      joins.push(view.join);
      for (const s of view.selections) selections.set(s.alias, s);
    });
    // Features come out in the caller's order (request order), after every input column.
    const order = query.featureOrder ?? query.views.flatMap((v) => v.features.map((f) => f.as));
    const columns = [...entity.columns.map((c) => `e.${q(c)}`), ...order.map((n) => selectionSql(selections, n))];
    const sql = `WITH ${ctes.join(',\n')}\nSELECT ${columns.join(', ')}\nFROM ${q('__entity')} e\n${joins.join('\n')}\nORDER BY e.${q(entity.rowIdColumn)}`;
    return Object.freeze({ sql });
  }

  /**
   * Latest row per key in [start, end), ties on event_ts broken by created_ts (a missing created ts
   * sorts lowest): docs/semantics.md#materialization. The engine does the reduction, in the
   * portable window form (no QUALIFY), so one shape runs on every dialect.
   */
  compileLatest(query: LatestQueryNode): CompiledQuery {
    const keys = query.joinKeys.map((k) => q(k.name));
    const src = this.sourceSelect(query.source, { from: query.start, to: query.end, halfOpen: true });
    const cols = [...keys, ...query.features.map(q), q(EVENT_TS), q(CREATED_TS)].join(', ');
    const rank = `ROW_NUMBER() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${q(EVENT_TS)} DESC, ${q(CREATED_TS)} DESC NULLS LAST)`;
    // Rows with a null join key have no entity to be served for.
    const notNull = keys.map((k) => `${k} IS NOT NULL`).join(' AND ');
    const sql = `SELECT ${cols} FROM (SELECT *, ${rank} AS ${q('__rn')} FROM (${src}) s WHERE ${notNull}) r WHERE ${q('__rn')} = 1`;
    return Object.freeze({ sql });
  }

  /**
   * The candidates for the latest row per key in [start, end), for a consumer that streams them:
   * every row with a full key, ordered by key, then newest first (event_ts, then created_ts, a
   * missing created ts lowest). The first row of each run of equal keys is the latest
   * (docs/semantics.md#materialization). One sort (spilling to disk when it must) replaces the
   * window ranking, and the keys come out in the online store's key order: each key part as text,
   * the order of its JSON in the canonical entity key (entity-key.ts), so SQLite's upserts append
   * to its primary-key index instead of touching pages all over it (bench/materialize.ts).
   */
  compileLatestCandidates(query: LatestQueryNode): CompiledQuery {
    // The canonical entity key lists its parts sorted by name.
    const keys = [...query.joinKeys].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((k) => q(k.name));
    const src = this.sourceSelect(query.source, { from: query.start, to: query.end, halfOpen: true });
    const cols = [...keys, ...query.features.map(q), q(EVENT_TS), q(CREATED_TS)].join(', ');
    const notNull = keys.map((k) => `${k} IS NOT NULL`).join(' AND ');
    const order = [...keys.map((k) => `CAST(${k} AS VARCHAR)`), `${q(EVENT_TS)} DESC`, `${q(CREATED_TS)} DESC NULLS LAST`].join(', ');
    return Object.freeze({ sql: `SELECT ${cols} FROM (${src}) s WHERE ${notNull} ORDER BY ${order}` });
  }

  private checkOutputNames(query: PitQueryNode): void {
    const names = [...query.entity.columns, ...query.views.flatMap((v) => v.features.map((f) => f.as))];
    const seen = new Set<string>();
    const dupes = new Set<string>();
    for (const n of names) (seen.has(n) ? dupes : seen).add(n);
    if (dupes.size) {
      const list = [...dupes].join(', ');
      throw new ValidationError(`output column name collision: ${list}; use full_feature_names (view__feature) or rename the entity column`, [
        ...[...dupes].map((d) => ({ field: d, message: 'appears more than once in the output' })),
      ]);
    }
    if (query.entity.columns.includes(query.entity.rowIdColumn)) {
      throw new ValidationError(`entity column '${query.entity.rowIdColumn}' is reserved`, [{ field: query.entity.rowIdColumn, message: 'reserved name' }]);
    }
  }
}

/** `expr AS "alias"`: the one place a selection becomes SQL text. */
export function selectionSql(selections: ReadonlyMap<string, Selection>, alias: string): string {
  const s = selections.get(alias);
  if (!s) throw new InternalError(`no selection for output column ${alias}`);
  return `${s.sql} AS ${q(s.alias)}`;
}
