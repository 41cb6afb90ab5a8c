import type { ScalarDType } from '../../definitions/dtypes.js';
import { baseTimestampLiteral, emptyRelation, hivePathFilter, scalarType, type Dialect } from './dialect.js';
import { quoteIdentifier } from './quote.js';
import { WindowPitCompiler } from './window-pit-compiler.js';

const TYPES: Record<ScalarDType, string> = {
  Int32: 'INTEGER', Int64: 'BIGINT', Float32: 'REAL', Float64: 'DOUBLE', String: 'VARCHAR',
  Bool: 'BOOLEAN', Bytes: 'VARBINARY', UnixTimestamp: 'TIMESTAMP',
};

/** Athena (Trino): catalog tables and the portable window-function PIT join. */
export function trinoDialect(): Dialect {
  const dialect: Dialect = {
    name: 'trino',
    sqlType: (dtype) => scalarType(TYPES, dtype, (inner) => `ARRAY(${inner})`),
    timestampLiteral: baseTimestampLiteral,
    relation(location, columns, extra) {
      if (location.kind === 'files') {
        if (!location.files.length) return emptyRelation([...new Set([...columns.map((c) => c.source), ...extra])]);
        throw new Error('the trino dialect reads catalog tables, not files');
      }
      return `${quoteIdentifier(location.database)}.${quoteIdentifier(location.table)}`;
    },
    objectFilter: hivePathFilter,
    createCompiler: () => new WindowPitCompiler(dialect),
  };
  return dialect;
}
