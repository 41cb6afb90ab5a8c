/**
 * The audited quoting functions. Every identifier and every literal that reaches SQL text goes
 * through here; entity values never do (they are staged as data). Identifiers are additionally
 * validated against the registry before they get this far.
 */
export function quoteIdentifier(name: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 255 || name.includes('\0')) {
    throw new Error(`unsafe SQL identifier: ${JSON.stringify(name)}`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL string literal (standard SQL: quotes doubled; no backslash escapes in DuckDB or Trino). */
export function quoteString(value: string): string {
  if (typeof value !== 'string' || value.includes('\0')) throw new Error('unsafe SQL string literal');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A non-negative whole number of seconds, rendered as a portable interval literal. */
export function intervalSeconds(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new Error(`invalid interval: ${seconds}`);
  return `INTERVAL ${quoteString(String(seconds))} SECOND`;
}
