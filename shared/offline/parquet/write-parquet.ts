import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { dtypeOf, parquetType, type ColumnType } from '../../definitions/type-map.js';
import { ValidationError } from '../../errors.js';

/** A column to write: a feature dtype, or `Timestamp` for event / created times. */
export interface ParquetColumn {
  name: string;
  dtype: ColumnType;
}

type SchemaElement = Record<string, unknown>;

function element(c: ParquetColumn): SchemaElement {
  const type = parquetType(c.dtype);
  if (!type)
    throw new ValidationError(`column '${c.name}': array features are not supported by the Lambda Parquet writer`, [{ field: c.name, message: 'array dtype' }]);
  return { name: c.name, repetition_type: 'OPTIONAL', ...type };
}

/** A JS value as hyparquet-writer takes it for the column's type (Int64 as bigint, Bytes from base64 text). */
function value(c: ParquetColumn, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const dtype = dtypeOf(c.dtype);
  if (dtype === 'UnixTimestamp') return v instanceof Date ? v : new Date(v as string);
  if (dtype === 'Int64') return BigInt(v as number | string);
  if (dtype === 'Bytes') return typeof v === 'string' ? Buffer.from(v, 'base64') : v;
  // An untyped result column inferred as text may hold other values: written as their text (objects as JSON).
  if (dtype === 'String' && typeof v !== 'string') return v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return v;
}

/**
 * Rows → one Parquet file in memory, with a pure-JS writer (no native code, so it runs in any
 * Lambda bundle). Types come from the registry, never guessed from data.
 */
export function toParquet(columns: readonly ParquetColumn[], rows: readonly Record<string, unknown>[]): Uint8Array {
  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: columns.map((c) => ({ name: c.name, data: rows.map((r) => value(c, r[c.name])) })),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map(element)] as never,
  });
  return new Uint8Array(writer.getBuffer());
}
