import { quoteString } from './quote.js';
import { ValidationError } from '../../errors.js';

/**
 * Athena's `UNLOAD … TO 's3://…/' WITH (format = 'PARQUET')` around a compiled query. UNLOAD takes
 * `( queryNoWith )` (Trino's grammar for a query in parentheses), so a query that begins with WITH
 * is wrapped as a derived table. The target must be an empty prefix; Athena writes its files there
 * in parallel, with no global order.
 */
export function unloadStatement(sql: string, s3Prefix: string): string {
  if (!/^s3:\/\/[^/]+\/.*$/.test(s3Prefix))
    throw new ValidationError(`UNLOAD target must be an s3:// prefix, got '${s3Prefix}'`, [{ field: 'output', message: 'expected s3://bucket/prefix/' }]);
  return `UNLOAD (SELECT * FROM (${sql}) "__dataset") TO ${quoteString(s3Prefix.replace(/\/?$/, '/'))} WITH (format = ${quoteString('PARQUET')})`;
}
