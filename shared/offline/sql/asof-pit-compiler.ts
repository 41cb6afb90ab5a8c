import type { EntityNode, PitViewNode } from './nodes.js';
import { CREATED_TS, EVENT_TS, PitCompiler, type ViewJoin } from './pit-compiler.js';
import { intervalSeconds, quoteIdentifier as q } from './quote.js';

/** (event_ts, created_ts) as one orderable number: event µs in the high 64 bits, created µs (offset to ≥ 0; missing = 0, lowest) in the low 64. */
const PIT_ORDER = '__pit_order';
const orderOf = (ts: string, created: string) =>
  `(CAST(epoch_us(${ts}) AS HUGEINT) << 64) + coalesce(CAST(epoch_us(${created}) AS HUGEINT) + 9223372036854775808, 0)`;
/** An entity row's bound: its time with the greatest created part, so every row of that event time qualifies. */
const boundOf = (ts: string) => `(CAST(epoch_us(${ts}) AS HUGEINT) << 64) + 18446744073709551615`;

/**
 * The PIT join as DuckDB's ASOF JOIN: the latest row at or before the entity ts, then the TTL
 * (docs/semantics.md#pit-join). Ties on event_ts go to the newest created_ts: with a created
 * column the ASOF inequality runs on (event_ts, created_ts) packed into one HUGEINT, so the join's
 * own sort breaks the ties and no separate de-duplication pass (a window over every feature row)
 * is needed (bench/pit-join.ts: about a fifth less work than dedupe-then-ASOF).
 */
export class AsofPitCompiler extends PitCompiler {
  protected joinView(v: PitViewNode, source: string, alias: string, entity: EntityNode): ViewJoin {
    const keys = v.joinKeys.map((k) => q(k.name));
    const tsCol = entity.timestampColumn;
    const ctes: string[] = [];
    let rel = source;
    const on = keys.map((k) => `e.${k} = ${alias}.${k}`);
    if (v.source.createdColumn) {
      ctes.push(`${q(`${v.alias}__ordered`)} AS (SELECT *, ${orderOf(q(EVENT_TS), q(CREATED_TS))} AS ${q(PIT_ORDER)} FROM ${q(rel)})`);
      rel = `${v.alias}__ordered`;
      on.push(`${boundOf(`e.${q(tsCol)}`)} >= ${alias}.${q(PIT_ORDER)}`);
    } else {
      on.push(`e.${q(tsCol)} >= ${alias}.${q(EVENT_TS)}`);
    }
    const inTtl = v.ttlSeconds > 0 ? `${alias}.${q(EVENT_TS)} >= e.${q(tsCol)} - ${intervalSeconds(v.ttlSeconds)}` : undefined;
    return {
      ctes,
      join: `ASOF LEFT JOIN ${q(rel)} ${alias} ON ${on.join(' AND ')}`,
      selections: v.features.map((f) => ({ alias: f.as, sql: inTtl ? `CASE WHEN ${inTtl} THEN ${alias}.${q(f.name)} END` : `${alias}.${q(f.name)}` })),
    };
  }
}
