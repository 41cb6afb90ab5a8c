import { parseDType, type DType, type ScalarDType } from '../../definitions/dtypes.js';
import { quoteIdentifier, quoteString } from './quote.js';
import type { RelationLocation, SourceColumn } from './nodes.js';

/**
 * The few things that differ between engines. The compiler writes portable SQL and asks the
 * dialect only for these hooks (kysely's shape).
 */
export interface Dialect {
  readonly name: 'duckdb' | 'trino';
  /** `asof` uses DuckDB's ASOF JOIN; `window` is the portable ROW_NUMBER() form. */
  readonly pitStrategy: 'asof' | 'window';
  sqlType(dtype: DType): string;
  relation(location: RelationLocation, columns: readonly SourceColumn[], extra: readonly string[]): string;
  timestampLiteral(value: Date): string;
  /** Whether `QUALIFY` is available (DuckDB) or a subquery is needed (Trino). */
  readonly supportsQualify: boolean;
}

export function baseTimestampLiteral(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new Error('invalid timestamp');
  return `TIMESTAMP ${quoteString(value.toISOString().replace('T', ' ').replace('Z', ''))}`;
}

export function scalarType(map: Record<ScalarDType, string>, dtype: DType, array: (inner: string) => string): string {
  const { scalar, array: isArray } = parseDType(dtype);
  return isArray ? array(map[scalar]) : map[scalar];
}

/** A zero-row relation with the given column names, for views whose source has no files yet. */
export function emptyRelation(names: readonly string[]): string {
  return `(SELECT ${names.map((n) => `NULL AS ${quoteIdentifier(n)}`).join(', ')} WHERE 1 = 0)`;
}
