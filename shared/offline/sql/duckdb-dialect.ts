import type { ScalarDType } from '../../definitions/dtypes.js';
import { baseTimestampLiteral, emptyRelation, scalarType, type Dialect } from './dialect.js';
import { quoteIdentifier, quoteString } from './quote.js';

const TYPES: Record<ScalarDType, string> = {
  Int32: 'INTEGER', Int64: 'BIGINT', Float32: 'FLOAT', Float64: 'DOUBLE', String: 'VARCHAR',
  Bool: 'BOOLEAN', Bytes: 'BLOB', UnixTimestamp: 'TIMESTAMP',
};

/** DuckDB over local (or httpfs) Parquet. Uses ASOF JOIN for the PIT join unless told otherwise. */
export function duckdbDialect(pitStrategy: 'asof' | 'window' = 'asof'): Dialect {
  return {
    name: 'duckdb',
    pitStrategy,
    supportsQualify: true,
    sqlType: (dtype) => scalarType(TYPES, dtype, (inner) => `${inner}[]`),
    timestampLiteral: baseTimestampLiteral,
    relation(location, columns, extra) {
      if (location.kind === 'table') return `${quoteIdentifier(location.database)}.${quoteIdentifier(location.table)}`;
      if (!location.files.length) return emptyRelation([...new Set([...columns.map((c) => c.source), ...extra])]);
      return `read_parquet([${location.files.map(quoteString).join(', ')}], union_by_name = true)`;
    },
  };
}
