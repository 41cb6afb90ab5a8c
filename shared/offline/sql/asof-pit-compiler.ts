import type { EntityNode, PitViewNode } from './nodes.js';
import { CREATED_TS, EVENT_TS, PitCompiler, type ViewJoin } from './pit-compiler.js';
import { intervalSeconds, quoteIdentifier as q } from './quote.js';

/**
 * The PIT join as DuckDB's ASOF JOIN: dedupe ties on event_ts by created_ts, take the latest row at
 * or before the entity ts, then apply the TTL (docs/semantics.md#pit-join).
 */
export class AsofPitCompiler extends PitCompiler {
  protected joinView(v: PitViewNode, source: string, alias: string, entity: EntityNode): ViewJoin {
    const keys = v.joinKeys.map((k) => q(k.name));
    const tsCol = entity.timestampColumn;
    const ctes: string[] = [];
    let rel = source;
    if (v.source.createdColumn) {
      ctes.push(
        `${q(`${v.alias}__dedup`)} AS (SELECT * FROM ${q(rel)} QUALIFY ROW_NUMBER() OVER (PARTITION BY ${[...keys, q(EVENT_TS)].join(', ')} ORDER BY ${q(CREATED_TS)} DESC NULLS LAST) = 1)`,
      );
      rel = `${v.alias}__dedup`;
    }
    const on = [...keys.map((k) => `e.${k} = ${alias}.${k}`), `e.${q(tsCol)} >= ${alias}.${q(EVENT_TS)}`];
    const inTtl = v.ttlSeconds > 0 ? `${alias}.${q(EVENT_TS)} >= e.${q(tsCol)} - ${intervalSeconds(v.ttlSeconds)}` : undefined;
    return {
      ctes,
      join: `ASOF LEFT JOIN ${q(rel)} ${alias} ON ${on.join(' AND ')}`,
      selections: v.features.map((f) => ({ alias: f.as, sql: inTtl ? `CASE WHEN ${inTtl} THEN ${alias}.${q(f.name)} END` : `${alias}.${q(f.name)}` })),
    };
  }
}
