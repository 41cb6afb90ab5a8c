import { ValidationError } from '../../errors.js';
/**
 * The audited quoting functions. Every identifier and every literal that reaches SQL text goes
 * through here; entity values never do (they are staged as data). Identifiers are additionally
 * validated against the registry before they get this far.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255 || name.includes('\0')) {
    throw new ValidationError(`unsafe SQL identifier: ${JSON.stringify(name)}`, [
      { field: 'identifier', message: 'a non-empty string of at most 255 characters without NUL' },
    ]);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL string literal (standard SQL: quotes doubled; no backslash escapes in DuckDB or Trino). */
export function quoteString(value: string): string {
  if (typeof value !== 'string' || value.includes('\0'))
    throw new ValidationError('unsafe SQL string literal', [{ field: 'literal', message: 'a string without NUL' }]);
  return `'${value.replaceAll("'", "''")}'`;
}

/** A non-negative whole number of seconds, rendered as a portable interval literal. */
export function intervalSeconds(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0)
    throw new ValidationError(`invalid interval: ${seconds}`, [{ field: 'interval', message: 'a non-negative whole number of seconds' }]);
  return `INTERVAL ${quoteString(String(seconds))} SECOND`;
}
