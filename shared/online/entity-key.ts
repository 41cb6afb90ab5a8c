import { ValidationError } from '../errors.js';
import { preview } from '../util/preview.js';
import type { FeatureViewSpec } from '../registry/types.js';

/**
 * The canonical key of an entity row: join keys sorted by name with values normalized to the
 * entity's type, as JSON. It is the DynamoDB partition key and the SQLite key alike.
 * @example entityKey(view, { user_id: 'u1' }) // '[["user_id","u1"]]'
 */
export function entityKey(joinKeys: FeatureViewSpec['joinKeys'], row: Record<string, unknown>, rowIndex?: number): string {
  return entityKeyer(joinKeys)(row, rowIndex);
}

/**
 * `entityKey` for many rows of one view: the join keys are sorted and their names quoted once,
 * not once per row.
 */
export function entityKeyer(joinKeys: FeatureViewSpec['joinKeys']): (row: Record<string, unknown>, rowIndex?: number) => string {
  const sorted = [...joinKeys].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((k) => ({ ...k, quoted: JSON.stringify(k.name) }));
  return (row, rowIndex) => {
    let out = '[';
    for (let i = 0; i < sorted.length; i++) {
      const k = sorted[i];
      const v = row[k.name];
      if (v === undefined || v === null) {
        throw new ValidationError(`missing join key '${k.name}'${rowIndex === undefined ? '' : ` in row ${rowIndex}`}`, [
          { ...(rowIndex === undefined ? {} : { row: rowIndex }), field: k.name, message: 'join key is required' },
        ]);
      }
      out += `${i ? ',' : ''}[${k.quoted},${JSON.stringify(normalizeKey(k.valueType, v, k.name, rowIndex))}]`;
    }
    return `${out}]`;
  };
}

// A function of its own, not a closure made inside normalizeKey, which runs for every key of every materialized row.
function badKey(expected: string, v: unknown, field: string, row?: number): ValidationError {
  return new ValidationError(`join key '${field}'${row === undefined ? '' : ` in row ${row}`}: expected ${expected}, got ${preview(v)}`, [
    { ...(row === undefined ? {} : { row }), field, message: `expected ${expected}` },
  ]);
}

function normalizeKey(type: string, v: unknown, field: string, row?: number): string | number | boolean {
  if (type === 'String') {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    throw badKey('a string', v, field, row);
  }
  if (type === 'Int32' || type === 'Int64') {
    const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : typeof v === 'bigint' ? Number(v) : v;
    if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
    throw badKey('an integer', v, field, row);
  }
  if (type === 'Bool') {
    if (typeof v === 'boolean') return v;
    throw badKey('a boolean', v, field, row);
  }
  if (typeof v === 'number' || typeof v === 'string') return v;
  throw badKey(type, v, field, row);
}

/** The join-key values of a canonical entity key (the inverse of `entityKey`). */
export function decodeEntityKey(key: string): Record<string, unknown> {
  return Object.fromEntries(JSON.parse(key) as [string, unknown][]);
}
