import { z } from 'zod';
import type { Columns } from '../definitions/on-demand-feature-view.js';
import { ValidationError } from '../errors.js';
import type { Row } from '../offline/offline-store.js';

/**
 * Column-oriented data (Feast's `df` and `entities`: `{ name: [values] }`) ↔ rows, in one place:
 * the HTTP entry points check the shape with `columnMap`, services check and count with
 * `checkedColumns` and convert with `columnsToRows`, and all of them read columns through `ownColumns`.
 */

interface ColumnProblem {
  /** The offending column, if one. */
  column?: string;
  message: string;
}

/**
 * Every own key of an object of arrays, on an object without prototype: unlike `z.record` or a
 * spread, a `__proto__` column is kept (to be refused by name, not silently dropped) and user
 * names never meet Object.prototype (issue 11 item 6).
 */
export function ownColumns(value: unknown): { columns: Columns } | { problem: ColumnProblem } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { problem: { message: 'expected an object of columns: { "name": [values] }' } };
  const columns = Object.create(null) as Columns;
  for (const k of Object.keys(value)) {
    const col = (value as Record<string, unknown>)[k];
    if (!Array.isArray(col)) return { problem: { column: k, message: 'expected an array of values' } };
    columns[k] = col;
  }
  return { columns };
}

/** The zod schema of a column-oriented request field (`df`, `entities`): shape only, lengths are the service's. */
export function columnMap() {
  return z.unknown().transform((v, ctx) => {
    const r = ownColumns(v);
    if ('problem' in r) {
      ctx.addIssue({ code: 'custom', message: r.problem.message, ...(r.problem.column !== undefined ? { path: [r.problem.column] } : {}) });
      return z.NEVER;
    }
    return r.columns;
  });
}

/** Column-oriented data and its row count: at least one column, every column as long as the first. */
export function checkedColumns(df: unknown, field: string): { columns: Columns; n: number } {
  const r = ownColumns(df);
  if ('problem' in r) {
    const at = r.problem.column !== undefined ? `${field}.${r.problem.column}` : field;
    throw new ValidationError(`${at}: ${r.problem.message}`, [{ field: at, message: r.problem.message }]);
  }
  // Keys, not entries: no [name, values] pair per column on a serving path.
  const names = Object.keys(r.columns);
  if (!names.length) throw new ValidationError(`no ${field} given: expected at least one column`, [{ field, message: 'expected at least one column' }]);
  const n = r.columns[names[0]].length;
  for (const name of names) {
    const got = r.columns[name].length;
    if (got !== n)
      throw new ValidationError(`${field}.${name} has ${got} values, expected ${n}`, [{ field: `${field}.${name}`, message: `expected ${n} values` }]);
  }
  return { columns: r.columns, n };
}

/** Column-oriented data → rows (of `names` only, when given); see `checkedColumns` for what is refused. */
export function columnsToRows(df: unknown, field = 'df', names?: readonly string[]): Row[] {
  const { columns: cols, n } = checkedColumns(df, field);
  const keys = names ?? Object.keys(cols);
  return Array.from({ length: n }, (_, i) => Object.fromEntries(keys.map((k) => [k, cols[k]?.[i]])));
}

/** Rows → column-oriented data of `names` (a missing value is null). */
export function rowsToColumns(rows: readonly Row[], names: readonly string[]): Columns {
  const out = Object.create(null) as Columns;
  for (const name of names) out[name] = rows.map((r) => (Object.hasOwn(r, name) ? (r[name] ?? null) : null));
  return out;
}
