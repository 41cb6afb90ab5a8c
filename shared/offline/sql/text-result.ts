import { parseDType, type DType, type ScalarDType } from '../../definitions/dtypes.js';
import { quoteIdentifier as q } from './quote.js';

/**
 * Element types whose arrays Trino casts to JSON (`CAST(array(x) AS JSON)`: booleans, integers,
 * floats and text). Athena's text results render an array as `[a, b]`, strings unquoted — ambiguous
 * when a value holds ", " or brackets — so such arrays travel as JSON text instead. Arrays of
 * instants or bytes keep Athena's rendering: their elements never hold ", ".
 */
const JSON_ELEMENTS: ReadonlySet<ScalarDType> = new Set(['Int32', 'Int64', 'Float32', 'Float64', 'String', 'Bool']);

/** Whether a result column of this dtype is sent as JSON text by `textResultSelect`. */
export function travelsAsJson(dtype: DType | undefined): boolean {
  if (!dtype) return false;
  const { scalar, array } = parseDType(dtype);
  return array && JSON_ELEMENTS.has(scalar);
}

/**
 * A query whose result is read as text (Athena's GetQueryResults): the given columns of `sql`, each
 * array that travels as JSON rendered `json_format(CAST(x AS JSON))`, ordered by `orderColumn` — a
 * column of `sql` that is not returned (an ORDER BY inside a subquery does not order the result).
 */
export function textResultSelect(sql: string, columns: readonly { name: string; dtype?: DType }[], orderColumn: string): string {
  const select = columns.map((c) => (travelsAsJson(c.dtype) ? `json_format(CAST(${q(c.name)} AS JSON)) AS ${q(c.name)}` : q(c.name)));
  return `SELECT ${select.join(', ')} FROM (${sql}) ${q('__result')} ORDER BY ${q(orderColumn)}`;
}
