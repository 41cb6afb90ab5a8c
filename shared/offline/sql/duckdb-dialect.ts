import { duckdbType } from '../../definitions/type-map.js';
import { AsofPitCompiler } from './asof-pit-compiler.js';
import { DUCKDB_AGGREGATION } from './aggregation-sql.js';
import { baseTimestampLiteral, emptyRelation, type Dialect } from './dialect.js';
import { quoteIdentifier, quoteString } from './quote.js';
import { WindowPitCompiler } from './window-pit-compiler.js';
import { UnsupportedError } from '../../errors.js';

/**
 * DuckDB over local (or httpfs) Parquet. Its compiler uses ASOF JOIN for the PIT join; `window`
 * makes it create the portable (Athena) form instead, to run that form locally.
 */
export function duckdbDialect(pitStrategy: 'asof' | 'window' = 'asof'): Dialect {
  const dialect: Dialect = {
    name: 'duckdb',
    sqlType: duckdbType,
    timestampLiteral: baseTimestampLiteral,
    aggregation: DUCKDB_AGGREGATION,
    relation(location, columns, extra) {
      if (location.kind === 'table') return `${quoteIdentifier(location.database)}.${quoteIdentifier(location.table)}`;
      if (!location.files.length) return emptyRelation([...new Set([...columns.map((c) => c.source), ...extra])]);
      return `read_parquet([${location.files.map(quoteString).join(', ')}], union_by_name = true)`;
    },
    objectFilter() {
      throw new UnsupportedError('the duckdb dialect reads files, listed in the relation itself');
    },
    createCompiler: () => (pitStrategy === 'asof' ? new AsofPitCompiler(dialect) : new WindowPitCompiler(dialect)),
  };
  return dialect;
}
