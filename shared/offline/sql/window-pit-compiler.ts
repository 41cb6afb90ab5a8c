import type { EntityNode, PitViewNode } from './nodes.js';
import { CREATED_TS, EVENT_TS, PitCompiler, type ViewJoin } from './pit-compiler.js';
import { intervalSeconds, quoteIdentifier as q } from './quote.js';

/**
 * The portable PIT join (Trino, and DuckDB on request): join candidates in [ts − ttl, ts], rank by
 * (event_ts, created_ts) desc, keep rank 1 (docs/semantics.md#pit-join).
 */
export class WindowPitCompiler extends PitCompiler {
  protected joinView(v: PitViewNode, source: string, alias: string, entity: EntityNode): ViewJoin {
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
      `FROM ${q('__entity')} e JOIN ${q(source)} f ON ${cond.join(' AND ')}`;
    return {
      ctes: [`${q(`${v.alias}__pit`)} AS (SELECT ${rid}, ${feats.join(', ')} FROM (${ranked}) ${q('ranked')} WHERE ${q('__rn')} = 1)`],
      join: `LEFT JOIN ${q(`${v.alias}__pit`)} ${alias} ON ${alias}.${rid} = e.${rid}`,
      selections: v.features.map((f) => ({ alias: f.as, sql: `${alias}.${q(f.name)}` })),
    };
  }
}
