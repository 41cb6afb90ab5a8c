import { ValidationError } from '../../errors.js';
import { utcDay } from '../../util/time.js';
import type { Dialect } from './dialect.js';
import type { CompiledQuery, LatestQueryNode, PitQueryNode, PitViewNode, SourceNode } from './nodes.js';
import { intervalSeconds, quoteIdentifier as q } from './quote.js';

const EVENT_TS = '__event_ts';
const CREATED_TS = '__created_ts';


/**
 * Compiles PIT joins and materialization reads to SQL for one dialect (docs/semantics.md#pit-join).
 * Output: one row per entity row, input order and duplicates kept, input columns first.
 */
export class PitCompiler {
  constructor(readonly dialect: Dialect) {}

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
        if (range.from) where.push(`${q(src.datePartitionColumn)} >= '${utcDay(range.from)}'`);
        where.push(`${q(src.datePartitionColumn)} <= '${utcDay(range.to)}'`);
      }
    }
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
    const selects: string[] = [];
    const joins: string[] = [];
    query.views.forEach((v, i) => {
      const alias = `v${i}`;
      const range = timeRange && {
        from: v.ttlSeconds > 0 ? new Date(timeRange.min.getTime() - v.ttlSeconds * 1000) : undefined,
        to: timeRange.max,
      };
      ctes.push(`${q(`${v.alias}__src`)} AS (${this.sourceSelect(v.source, range)})`);
      if (this.dialect.pitStrategy === 'asof') this.asofView(v, alias, entity.timestampColumn, ctes, selects, joins);
      else this.windowView(v, alias, entity, ctes, selects, joins);
    });
    // Features come out in the caller's order (request order), after every input column.
    const order = query.featureOrder ?? query.views.flatMap((v) => v.features.map((f) => f.as));
    const byName = new Map(selects.map((s) => [/ AS ("(?:[^"]|"")*")$/.exec(s)![1], s]));
    const columns = [...entity.columns.map((c) => `e.${q(c)}`), ...order.map((n) => byName.get(q(n))!)];
    const sql = `WITH ${ctes.join(',\n')}\nSELECT ${columns.join(', ')}\nFROM ${q('__entity')} e\n${joins.join('\n')}\nORDER BY e.${q(entity.rowIdColumn)}`;
    return Object.freeze({ sql, parameters: Object.freeze([]) });
  }

  /** ASOF: dedupe ties on event_ts by created_ts, take the latest row at or before the entity ts, then apply the TTL. */
  private asofView(v: PitViewNode, alias: string, tsCol: string, ctes: string[], selects: string[], joins: string[]): void {
    const keys = v.joinKeys.map((k) => q(k.name));
    let rel = `${v.alias}__src`;
    if (v.source.createdColumn) {
      ctes.push(
        `${q(`${v.alias}__dedup`)} AS (SELECT * FROM ${q(rel)} QUALIFY ROW_NUMBER() OVER (PARTITION BY ${[...keys, q(EVENT_TS)].join(', ')} ORDER BY ${q(CREATED_TS)} DESC NULLS LAST) = 1)`,
      );
      rel = `${v.alias}__dedup`;
    }
    const on = [...keys.map((k) => `e.${k} = ${alias}.${k}`), `e.${q(tsCol)} >= ${alias}.${q(EVENT_TS)}`];
    joins.push(`ASOF LEFT JOIN ${q(rel)} ${alias} ON ${on.join(' AND ')}`);
    const inTtl = v.ttlSeconds > 0 ? `${alias}.${q(EVENT_TS)} >= e.${q(tsCol)} - ${intervalSeconds(v.ttlSeconds)}` : undefined;
    for (const f of v.features) {
      selects.push(inTtl ? `CASE WHEN ${inTtl} THEN ${alias}.${q(f.name)} END AS ${q(f.as)}` : `${alias}.${q(f.name)} AS ${q(f.as)}`);
    }
  }

  /** Portable: join candidates in [ts − ttl, ts], rank by (event_ts, created_ts) desc, keep rank 1. */
  private windowView(v: PitViewNode, alias: string, entity: PitQueryNode['entity'], ctes: string[], selects: string[], joins: string[]): void {
    const rid = q(entity.rowIdColumn);
    const ts = q(entity.timestampColumn);
    const feats = v.features.map((f) => q(f.name));
    const cond = [
      ...v.joinKeys.map((k) => `e.${q(k.name)} = f.${q(k.name)}`),
      `f.${q(EVENT_TS)} <= e.${ts}`,
      ...(v.ttlSeconds > 0 ? [`f.${q(EVENT_TS)} >= e.${ts} - ${intervalSeconds(v.ttlSeconds)}`] : []),
    ];
    const ranked =
      `SELECT e.${rid} AS ${rid}, ${feats.map((f) => `f.${f} AS ${f}`).join(', ')}, ` +
      `ROW_NUMBER() OVER (PARTITION BY e.${rid} ORDER BY f.${q(EVENT_TS)} DESC, f.${q(CREATED_TS)} DESC NULLS LAST) AS ${q('__rn')} ` +
      `FROM ${q('__entity')} e JOIN ${q(`${v.alias}__src`)} f ON ${cond.join(' AND ')}`;
    ctes.push(`${q(`${v.alias}__pit`)} AS (SELECT ${rid}, ${feats.join(', ')} FROM (${ranked}) ${q('ranked')} WHERE ${q('__rn')} = 1)`);
    joins.push(`LEFT JOIN ${q(`${v.alias}__pit`)} ${alias} ON ${alias}.${rid} = e.${rid}`);
    for (const f of v.features) selects.push(`${alias}.${q(f.name)} AS ${q(f.as)}`);
  }

  /** Latest row per key in [start, end), ties on event_ts broken by created_ts. */
  compileLatest(query: LatestQueryNode): CompiledQuery {
    const keys = query.joinKeys.map((k) => q(k.name));
    const src = this.sourceSelect(query.source, { from: query.start, to: query.end, halfOpen: true });
    const cols = [...keys, ...query.features.map(q), q(EVENT_TS), q(CREATED_TS)].join(', ');
    const rank = `ROW_NUMBER() OVER (PARTITION BY ${keys.join(', ')} ORDER BY ${q(EVENT_TS)} DESC, ${q(CREATED_TS)} DESC NULLS LAST)`;
    // Rows with a null join key have no entity to be served for.
    const notNull = keys.map((k) => `${k} IS NOT NULL`).join(' AND ');
    const sql = this.dialect.supportsQualify
      ? `SELECT ${cols} FROM (${src}) s WHERE ${notNull} QUALIFY ${rank} = 1`
      : `SELECT ${cols} FROM (SELECT *, ${rank} AS ${q('__rn')} FROM (${src}) s WHERE ${notNull}) r WHERE ${q('__rn')} = 1`;
    return Object.freeze({ sql, parameters: Object.freeze([]) });
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
