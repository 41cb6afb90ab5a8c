import type { DType } from '../../definitions/dtypes.js';
import type { AggregationSql } from './aggregation-sql.js';
import type { PitCompiler } from './pit-compiler.js';
import { quoteIdentifier, quoteString } from './quote.js';
import type { RelationLocation, SourceColumn } from './nodes.js';
import { InternalError, ValidationError } from '../../errors.js';

/**
 * The few things that differ between engines. The compiler writes portable SQL and asks the
 * dialect only for these hooks; the dialect creates its compiler (kysely's `createQueryCompiler`),
 * so no caller pairs a compiler with a dialect by hand.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'trino';
  sqlType(dtype: DType): string;
  relation(location: RelationLocation, columns: readonly SourceColumn[], extra: readonly string[]): string;
  /** A predicate keeping only rows read from the given objects (full URIs) of a table location. */
  objectFilter(objects: readonly string[]): string;
  timestampLiteral(value: Date): string;
  /** What the aggregation join needs of the engine (docs/aggregations.md). */
  readonly aggregation: AggregationSql;
  createCompiler(): PitCompiler;
}

export function baseTimestampLiteral(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new ValidationError('invalid timestamp', [{ field: 'timestamp', message: 'not a valid date' }]);
  return `TIMESTAMP ${quoteString(value.toISOString().replace('T', ' ').replace('Z', ''))}`;
}

/** A zero-row relation with the given column names, for views whose source has no files yet. */
export function emptyRelation(names: readonly string[]): string {
  return `(SELECT ${names.map((n) => `NULL AS ${quoteIdentifier(n)}`).join(', ')} WHERE 1 = 0)`;
}

/** Hive's (and so Athena's) pseudo-column naming the object a row was read from. */
export function hivePathFilter(objects: readonly string[]): string {
  if (!objects.length) throw new InternalError('an object filter needs at least one object');
  return `${quoteIdentifier('$path')} IN (${objects.map(quoteString).join(', ')})`;
}
