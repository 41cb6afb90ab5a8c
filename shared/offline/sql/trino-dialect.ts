import { trinoType } from '../../definitions/type-map.js';
import { TRINO_AGGREGATION } from './aggregation-sql.js';
import { baseTimestampLiteral, emptyRelation, hivePathFilter, type Dialect } from './dialect.js';
import { quoteIdentifier } from './quote.js';
import { WindowPitCompiler } from './window-pit-compiler.js';
import { UnsupportedError } from '../../errors.js';

/** Athena (Trino): catalog tables and the portable window-function PIT join. */
export function trinoDialect(): Dialect {
  const dialect: Dialect = {
    name: 'trino',
    sqlType: trinoType,
    timestampLiteral: baseTimestampLiteral,
    aggregation: TRINO_AGGREGATION,
    relation(location, columns, extra) {
      if (location.kind === 'files') {
        if (!location.files.length) return emptyRelation([...new Set([...columns.map((c) => c.source), ...extra])]);
        throw new UnsupportedError('the trino dialect reads catalog tables, not files');
      }
      return `${quoteIdentifier(location.database)}.${quoteIdentifier(location.table)}`;
    },
    objectFilter: hivePathFilter,
    createCompiler: () => new WindowPitCompiler(dialect),
  };
  return dialect;
}
