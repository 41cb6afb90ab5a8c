import { ValidationError, type FieldIssue } from '../errors.js';
import type { ViewRequest } from '../registry/registry.js';
import { parseInstant } from '../util/time.js';
import type { StageColumn } from './duckdb/session.js';
import type { Row } from './offline-store.js';
import { inferStageType, stageTypeOf } from './stage-types.js';

export const ENTITY_TS = 'event_timestamp';
export const ROW_ID = '__row_id';

/** Join keys every requested view needs, with their types (first declaration wins). */
export function requiredJoinKeys(views: readonly ViewRequest[]): Map<string, StageColumn['type']> {
  const keys = new Map<string, StageColumn['type']>();
  for (const v of views) for (const k of v.view.joinKeys) if (!keys.has(k.name)) keys.set(k.name, stageTypeOf(k.valueType));
  return keys;
}

/** Fails with one error naming every missing column. */
export function assertEntityColumns(columns: readonly string[], views: readonly ViewRequest[]): void {
  const missing = [ENTITY_TS, ...requiredJoinKeys(views).keys()].filter((c) => !columns.includes(c));
  if (missing.length) {
    throw new ValidationError(`entity rows are missing column(s): ${missing.join(', ')}`, missing.map((field) => ({ field, message: 'required column is missing' })));
  }
  if (columns.includes(ROW_ID)) throw new ValidationError(`entity column '${ROW_ID}' is reserved`, [{ field: ROW_ID, message: 'reserved name' }]);
}

/**
 * Columns and typed values for in-memory entity rows. Columns keep first-seen order; timestamps are
 * parsed (naive = UTC) and a bad one names its row.
 */
export function prepareEntityRows(rows: readonly Row[], views: readonly ViewRequest[]): { columns: StageColumn[]; rows: Iterable<Row> } {
  if (!rows.length) throw new ValidationError('no entity rows given', [{ field: 'entity_rows', message: 'expected at least one row' }]);
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), names.push(k));
  assertEntityColumns(names, views);
  const keys = requiredJoinKeys(views);
  const issues: FieldIssue[] = [];
  const ts = rows.map((r, i) => {
    const d = parseInstant(r[ENTITY_TS]);
    if (!d && issues.length < 20) issues.push({ row: i, field: ENTITY_TS, message: `expected a timestamp, got ${JSON.stringify(r[ENTITY_TS]) ?? 'nothing'}` });
    return d;
  });
  if (issues.length) throw new ValidationError(`invalid ${ENTITY_TS} in row ${issues[0].row}`, issues);
  const columns: StageColumn[] = names.map((name) => ({
    name,
    type: name === ENTITY_TS ? 'TIMESTAMP' : (keys.get(name) ?? inferStageType(rows.map((r) => r[name]))),
  }));
  const converted = function* () {
    for (let i = 0; i < rows.length; i++) yield { ...rows[i], [ENTITY_TS]: ts[i] };
  };
  return { columns, rows: converted() };
}
