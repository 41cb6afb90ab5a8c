import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { parseDType, type DType } from '../../definitions/dtypes.js';
import { ValidationError } from '../../errors.js';

/** A column to write: a feature dtype, or `Timestamp` for event / created times. */
export interface ParquetColumn {
  name: string;
  dtype: DType | 'Timestamp';
}

type SchemaElement = Record<string, unknown>;

function element(c: ParquetColumn): SchemaElement {
  const base = { name: c.name, repetition_type: 'OPTIONAL' };
  if (c.dtype === 'Timestamp' || c.dtype === 'UnixTimestamp') {
    // Microseconds, UTC-adjusted (docs/semantics.md#time: Parquet timestamps have µs precision).
    return { ...base, type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } };
  }
  const { scalar, array } = parseDType(c.dtype);
  if (array) throw new ValidationError(`column '${c.name}': array features are not supported by the Lambda Parquet writer`, [{ field: c.name, message: 'array dtype' }]);
  switch (scalar) {
    case 'Int32': return { ...base, type: 'INT32' };
    case 'Int64': return { ...base, type: 'INT64' };
    case 'Float32': return { ...base, type: 'FLOAT' };
    case 'Float64': return { ...base, type: 'DOUBLE' };
    case 'String': return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8' };
    case 'Bool': return { ...base, type: 'BOOLEAN' };
    case 'Bytes': return { ...base, type: 'BYTE_ARRAY' };
    default: throw new Error(`unsupported dtype ${c.dtype}`);
  }
}

function value(c: ParquetColumn, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (c.dtype === 'Timestamp' || c.dtype === 'UnixTimestamp') return v instanceof Date ? v : new Date(v as string);
  if (c.dtype === 'Int64') return BigInt(v as number | string);
  if (c.dtype === 'Bytes') return typeof v === 'string' ? Buffer.from(v, 'base64') : v;
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
