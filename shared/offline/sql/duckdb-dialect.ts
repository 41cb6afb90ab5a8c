import { duckdbType } from '../../definitions/type-map.js';
import { baseTimestampLiteral, emptyRelation, type Dialect } from './dialect.js';
import { quoteIdentifier, quoteString } from './quote.js';

/** DuckDB over local (or httpfs) Parquet. Uses ASOF JOIN for the PIT join unless told otherwise. */
export function duckdbDialect(pitStrategy: 'asof' | 'window' = 'asof'): Dialect {
  return {
    name: 'duckdb',
    pitStrategy,
    supportsQualify: true,
    sqlType: duckdbType,
    timestampLiteral: baseTimestampLiteral,
    relation(location, columns, extra) {
      if (location.kind === 'table') return `${quoteIdentifier(location.database)}.${quoteIdentifier(location.table)}`;
      if (!location.files.length) return emptyRelation([...new Set([...columns.map((c) => c.source), ...extra])]);
      return `read_parquet([${location.files.map(quoteString).join(', ')}], union_by_name = true)`;
    },
  };
}
