import { trinoType } from '../../definitions/type-map.js';
import { baseTimestampLiteral, emptyRelation, type Dialect } from './dialect.js';
import { quoteIdentifier } from './quote.js';

/** Athena (Trino): catalog tables, the portable window-function PIT join, no QUALIFY. */
export function trinoDialect(): Dialect {
  return {
    name: 'trino',
    pitStrategy: 'window',
    supportsQualify: false,
    sqlType: trinoType,
    timestampLiteral: baseTimestampLiteral,
    relation(location, columns, extra) {
      if (location.kind === 'files') {
        if (!location.files.length) return emptyRelation([...new Set([...columns.map((c) => c.source), ...extra])]);
        throw new Error('the trino dialect reads catalog tables, not files');
      }
      return `${quoteIdentifier(location.database)}.${quoteIdentifier(location.table)}`;
    },
  };
}
