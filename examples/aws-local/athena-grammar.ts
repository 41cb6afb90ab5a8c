/**
 * Syntax check of Athena statements with a real Trino grammar (dt-sql-parser's TrinoSQL, generated
 * from Trino's ANTLR grammar). Used by the Athena test double (a statement Athena would reject is
 * rejected) and by tests; a dev dependency, never bundled into the Lambda functions.
 *
 * Trino's grammar has no UNLOAD (an Athena extension). Athena documents it as
 * `UNLOAD (SELECT …) TO 's3://…' WITH (property = 'value' [, …])`; the parenthesized query is
 * Trino's `'(' queryNoWith ')'` (a query in parentheses may not begin with WITH), so it is checked
 * as exactly that rule: the text `( … )` parsed as a Trino statement. The property list is checked
 * as the property list of a Trino `CREATE TABLE … WITH (…)`.
 */
import { TrinoSQL } from 'dt-sql-parser';

let parser: TrinoSQL | undefined;

const UNLOAD = /^\s*UNLOAD\s*(\([\s\S]*\))\s*TO\s*'((?:[^']|'')*)'\s*WITH\s*\(([\s\S]*)\)\s*;?\s*$/i;
const UNLOAD_FORMATS = new Set(['PARQUET', 'ORC', 'AVRO', 'JSON', 'TEXTFILE']);

/** Syntax errors of one Athena (engine v3) statement; empty when Athena's parser would accept it. */
export function athenaSyntaxErrors(sql: string): string[] {
  parser ??= new TrinoSQL();
  const errors = (text: string) => parser!.validate(text).map((e) => `line ${e.startLine}:${e.startColumn}: ${e.message}`);
  if (!/^\s*UNLOAD\b/i.test(sql)) return errors(sql);
  const m = UNLOAD.exec(sql);
  if (!m) return [`UNLOAD must read UNLOAD (query) TO 's3://…' WITH (property = 'value', …)`];
  const [, query, target, properties] = m;
  const out = errors(query).map((e) => `UNLOAD query: ${e}`);
  if (!/^s3:\/\/[^/]+\/.*\/$/.test(target.replaceAll("''", "'"))) out.push(`UNLOAD target must be an s3:// prefix ending in '/', got '${target}'`);
  out.push(...errors(`CREATE TABLE t WITH (${properties}) AS SELECT 1`).map((e) => `UNLOAD properties: ${e}`));
  const format = /\bformat\s*=\s*'([^']*)'/i.exec(properties)?.[1];
  if (!format || !UNLOAD_FORMATS.has(format.toUpperCase())) out.push(`UNLOAD needs format = one of ${[...UNLOAD_FORMATS].join(', ')}`);
  return out;
}

/** Throws when Athena's parser would reject the statement. */
export function assertAthenaSyntax(sql: string): void {
  const errors = athenaSyntaxErrors(sql);
  if (errors.length) throw new Error(`SYNTAX_ERROR: ${errors.join('; ')}`);
}
