import { ValidationError } from '../errors.js';
import type { Row } from '../offline/offline-store.js';

/** Column-oriented data (`{ col: [values] }`, Feast's `df`) → rows; every column must have the same length. */
export function columnsToRows(df: Record<string, unknown>, field = 'df'): Row[] {
  const cols = Object.entries(df ?? {});
  if (!cols.length) throw new ValidationError(`${field} has no columns`, [{ field, message: 'expected at least one column' }]);
  let n: number | undefined;
  for (const [name, values] of cols) {
    if (!Array.isArray(values)) throw new ValidationError(`${field}.${name}: expected an array`, [{ field: `${field}.${name}`, message: 'expected an array' }]);
    if (n !== undefined && values.length !== n) {
      throw new ValidationError(`${field}.${name} has ${values.length} values, expected ${n}`, [{ field: `${field}.${name}`, message: `expected ${n} values` }]);
    }
    n = values.length;
  }
  return Array.from({ length: n! }, (_, i) => Object.fromEntries(cols.map(([k, v]) => [k, (v as unknown[])[i]])));
}
