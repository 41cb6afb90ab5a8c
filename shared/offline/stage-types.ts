import { parseDType, type DType } from '../definitions/dtypes.js';
import type { StageType } from './duckdb/session.js';

const SCALAR_STAGE: Record<string, StageType> = {
  Int32: 'INTEGER', Int64: 'BIGINT', Float32: 'FLOAT', Float64: 'DOUBLE', String: 'VARCHAR',
  Bool: 'BOOLEAN', Bytes: 'BLOB', UnixTimestamp: 'TIMESTAMP',
};

/** How a value of `dtype` is appended to DuckDB. Arrays travel as JSON text and are cast after. */
export function stageTypeOf(dtype: DType): StageType {
  const { scalar, array } = parseDType(dtype);
  return array ? 'JSON' : SCALAR_STAGE[scalar];
}

/** The type of a pass-through column, inferred from its JS values (ints → BIGINT, mixed → VARCHAR). */
export function inferStageType(values: Iterable<unknown>): StageType {
  let type: StageType | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const t: StageType =
      v instanceof Date ? 'TIMESTAMP'
      : typeof v === 'boolean' ? 'BOOLEAN'
      : typeof v === 'bigint' ? 'BIGINT'
      : typeof v === 'number' ? (Number.isInteger(v) ? 'BIGINT' : 'DOUBLE')
      : typeof v === 'string' ? 'VARCHAR'
      : 'JSON';
    if (type === undefined) type = t;
    else if (type !== t) {
      if ((type === 'BIGINT' && t === 'DOUBLE') || (type === 'DOUBLE' && t === 'BIGINT')) type = 'DOUBLE';
      else return 'VARCHAR';
    }
  }
  return type ?? 'VARCHAR';
}
