import { parseDType, type DType } from '../definitions/dtypes.js';
import { ValidationError, type FieldIssue } from '../errors.js';
import type { ViewRequest } from '../registry/registry.js';
import { parseInstant } from '../util/time.js';
import { inferDType } from './infer-dtype.js';
import type { Row } from './offline-store.js';

export const ENTITY_TS = 'event_timestamp';
export const ROW_ID = '__row_id';

/** An entity column typed by our dtypes; each offline store maps them to its engine through the type map. */
export interface EntityColumn {
  name: string;
  dtype: DType;
}

/**
 * Join keys every requested view needs, with their types (first declaration wins). An array key
 * travels as its JSON text.
 */
export function requiredJoinKeys(views: readonly ViewRequest[]): Map<string, DType> {
  const keys = new Map<string, DType>();
  for (const v of views) for (const k of v.view.joinKeys) if (!keys.has(k.name)) keys.set(k.name, parseDType(k.valueType).array ? 'String' : k.valueType);
  return keys;
}

/** Fails with one error naming every missing column. */
export function assertEntityColumns(columns: readonly string[], views: readonly ViewRequest[]): void {
  const missing = [ENTITY_TS, ...requiredJoinKeys(views).keys()].filter((c) => !columns.includes(c));
  if (missing.length) {
    throw new ValidationError(
      `entity rows are missing column(s): ${missing.join(', ')}`,
      missing.map((field) => ({ field, message: 'required column is missing' })),
    );
  }
  if (columns.includes(ROW_ID)) throw new ValidationError(`entity column '${ROW_ID}' is reserved`, [{ field: ROW_ID, message: 'reserved name' }]);
}

/**
 * Columns and typed values for in-memory entity rows. Columns keep first-seen order; timestamps are
 * parsed (naive = UTC) and a bad one names its row.
 */
export function prepareEntityRows(rows: readonly Row[], views: readonly ViewRequest[]): { columns: EntityColumn[]; rows: Iterable<Row> } {
  if (!rows.length) throw new ValidationError('no entity rows given', [{ field: 'entity_rows', message: 'expected at least one row' }]);
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) seen.add(k), names.push(k);
  assertEntityColumns(names, views);
  const keys = requiredJoinKeys(views);
  const issues: FieldIssue[] = [];
  const ts = rows.map((r, i) => {
    const d = parseInstant(r[ENTITY_TS]);
    if (!d && issues.length < 20) issues.push({ row: i, field: ENTITY_TS, message: `expected a timestamp, got ${JSON.stringify(r[ENTITY_TS]) ?? 'nothing'}` });
    return d;
  });
  if (issues.length) throw new ValidationError(`invalid ${ENTITY_TS} in row ${issues[0].row}`, issues);
  const columns: EntityColumn[] = names.map((name) => ({
    name,
    dtype: name === ENTITY_TS ? 'UnixTimestamp' : (keys.get(name) ?? inferDType(rows.map((r) => r[name]))),
  }));
  const converted = function* () {
    for (let i = 0; i < rows.length; i++) yield { ...rows[i], [ENTITY_TS]: ts[i] };
  };
  return { columns, rows: converted() };
}

/**
 * Entity rows that arrive in chunks (a large Parquet / CSV file read part by part): the columns and
 * their types are fixed up front, each chunk is validated and converted (timestamps parsed, values
 * coerced to the column type, a row id added), and errors name the row's position in the whole
 * input. Only one chunk is in memory at a time.
 */
export class EntityChunkStager {
  readonly columns: EntityColumn[];
  private next = 0;
  private minTs = Infinity;
  private maxTs = -Infinity;

  /** `columns`: the input's columns with their types when the source declares them (Parquet), else undefined (CSV text). */
  constructor(columns: readonly { name: string; dtype?: DType }[], views: readonly ViewRequest[]) {
    assertEntityColumns(
      columns.map((c) => c.name),
      views,
    );
    const keys = requiredJoinKeys(views);
    this.columns = columns.map((c) => ({ name: c.name, dtype: c.name === ENTITY_TS ? 'UnixTimestamp' : (keys.get(c.name) ?? c.dtype ?? 'String') }));
  }

  get rowCount(): number {
    return this.next;
  }

  /** The entity timestamps' range so far (for partition pruning). */
  get range(): { min: Date; max: Date } {
    return { min: new Date(this.minTs), max: new Date(this.maxTs) };
  }

  /** Validated, typed rows of one chunk, each with its `__row_id` (its position in the input). */
  add(chunk: readonly Row[]): Row[] {
    const issues: FieldIssue[] = [];
    const out = chunk.map((r, i) => {
      const row = this.next + i;
      const o: Row = { [ROW_ID]: row };
      for (const c of this.columns) {
        const v = r[c.name];
        if (c.name === ENTITY_TS) {
          const d = parseInstant(v);
          if (!d) {
            if (issues.length < 20)
              issues.push({
                row,
                field: ENTITY_TS,
                message: `expected a timestamp, got ${JSON.stringify(typeof v === 'bigint' ? String(v) : v) ?? 'nothing'}`,
              });
            continue;
          }
          const t = d.getTime();
          if (t < this.minTs) this.minTs = t;
          if (t > this.maxTs) this.maxTs = t;
          o[c.name] = d;
          continue;
        }
        const coerced = coerce(c.dtype, v);
        if (coerced === INVALID) {
          if (issues.length < 20)
            issues.push({ row, field: c.name, message: `expected ${c.dtype}, got ${JSON.stringify(typeof v === 'bigint' ? String(v) : v)}` });
          continue;
        }
        o[c.name] = coerced;
      }
      return o;
    });
    if (issues.length) throw new ValidationError(`invalid entity row ${issues[0].row}, field '${issues[0].field}': ${issues[0].message}`, issues);
    this.next += chunk.length;
    return out;
  }
}

const INVALID = Symbol('invalid');

/** One value in the dtype of its column; `INVALID` when it cannot be (names row and field upstream). */
function coerce(dtype: DType, v: unknown): unknown {
  if (v === null || v === undefined || v === '') return dtype === 'String' && v === '' ? '' : null;
  switch (dtype) {
    case 'String':
      return v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'Int64':
    case 'Int32': {
      if (typeof v === 'bigint') return v;
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^[+-]?\d+$/.test(v.trim()) ? Number(v) : NaN;
      if (!Number.isInteger(n)) return INVALID;
      return Number.isSafeInteger(n) || dtype === 'Int32' ? n : BigInt(String(v).trim());
    }
    case 'Float64':
    case 'Float32': {
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      return Number.isNaN(n) ? INVALID : n;
    }
    case 'Bool':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
      return INVALID;
    case 'UnixTimestamp':
      return parseInstant(v) ?? INVALID;
    default:
      return v;
  }
}
