import { parseDType, SCALAR_DTYPES, type DType, type ScalarDType } from './dtypes.js';

/**
 * The one type map (Feast's `type_map.py`): each of our dtypes → every engine's type, and back
 * where the code reads a schema it did not write. Dialects, the Glue tables, the Parquet writer,
 * the entity stager and the value checks all look types up here; no other module holds a table.
 */

/** A column's type: a dtype, or `Timestamp` for event / created time columns (the same as `UnixTimestamp` in every engine). */
export type ColumnType = DType | 'Timestamp';

/** A Parquet schema element's type fields, as hyparquet-writer takes them. */
export interface ParquetType {
  readonly type: 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY';
  readonly converted_type?: 'UTF8';
  readonly logical_type?: { readonly type: 'TIMESTAMP'; readonly isAdjustedToUTC: true; readonly unit: 'MICROS' };
}

/** How a value travels in JSON (push bodies, online responses); `value-schema.ts` checks each kind. */
export type JsonKind = 'int32' | 'int64' | 'float32' | 'float64' | 'string' | 'boolean' | 'base64' | 'instant';

export interface EngineTypes {
  /** DuckDB SQL type (local provider). */
  readonly duckdb: string;
  /** Trino / Athena SQL type (casts in queries). */
  readonly trino: string;
  /** Glue / Hive column type (table definitions). */
  readonly hive: string;
  readonly parquet: ParquetType;
  readonly json: JsonKind;
}

// Microseconds, UTC-adjusted (docs/semantics.md#time: Parquet timestamps have µs precision).
const MICROS_UTC = { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } as const;

export const TYPE_MAP: Readonly<Record<ScalarDType, EngineTypes>> = Object.freeze({
  Int32: { duckdb: 'INTEGER', trino: 'INTEGER', hive: 'int', parquet: { type: 'INT32' }, json: 'int32' },
  Int64: { duckdb: 'BIGINT', trino: 'BIGINT', hive: 'bigint', parquet: { type: 'INT64' }, json: 'int64' },
  Float32: { duckdb: 'FLOAT', trino: 'REAL', hive: 'float', parquet: { type: 'FLOAT' }, json: 'float32' },
  Float64: { duckdb: 'DOUBLE', trino: 'DOUBLE', hive: 'double', parquet: { type: 'DOUBLE' }, json: 'float64' },
  String: { duckdb: 'VARCHAR', trino: 'VARCHAR', hive: 'string', parquet: { type: 'BYTE_ARRAY', converted_type: 'UTF8' }, json: 'string' },
  Bool: { duckdb: 'BOOLEAN', trino: 'BOOLEAN', hive: 'boolean', parquet: { type: 'BOOLEAN' }, json: 'boolean' },
  Bytes: { duckdb: 'BLOB', trino: 'VARBINARY', hive: 'binary', parquet: { type: 'BYTE_ARRAY' }, json: 'base64' },
  UnixTimestamp: { duckdb: 'TIMESTAMP', trino: 'TIMESTAMP', hive: 'timestamp', parquet: { type: 'INT64', logical_type: MICROS_UTC }, json: 'instant' },
});

/** The dtype a column type stands for (`Timestamp` → `UnixTimestamp`). */
export function dtypeOf(type: ColumnType): DType {
  return type === 'Timestamp' ? 'UnixTimestamp' : type;
}

function lookup(type: ColumnType): { types: EngineTypes; array: boolean } {
  const { scalar, array } = parseDType(dtypeOf(type));
  return { types: TYPE_MAP[scalar], array };
}

export function duckdbType(type: ColumnType): string {
  const { types, array } = lookup(type);
  return array ? `${types.duckdb}[]` : types.duckdb;
}

export function trinoType(type: ColumnType): string {
  const { types, array } = lookup(type);
  return array ? `ARRAY(${types.trino})` : types.trino;
}

export function hiveType(type: ColumnType): string {
  const { types, array } = lookup(type);
  return array ? `array<${types.hive}>` : types.hive;
}

/** The Parquet type of a scalar column; undefined for arrays (the pure-JS writer writes flat columns only). */
export function parquetType(type: ColumnType): ParquetType | undefined {
  const { types, array } = lookup(type);
  return array ? undefined : types.parquet;
}

/** How a value of `dtype` (or of each element, for arrays) travels in JSON. */
export function jsonKind(dtype: DType): { kind: JsonKind; array: boolean } {
  const { types, array } = lookup(dtype);
  return { kind: types.json, array };
}

// ---- back: an engine's type → our dtype -------------------------------------------------------

function reverse(engine: 'duckdb' | 'trino' | 'hive'): Map<string, ScalarDType> {
  return new Map(SCALAR_DTYPES.map((d) => [TYPE_MAP[d][engine].toLowerCase(), d]));
}
const FROM_DUCKDB = reverse('duckdb');
const FROM_TRINO = reverse('trino');
const FROM_HIVE = reverse('hive');

/** Timestamps of any precision or zone, and dates (read as instants at UTC midnight). */
const TIMESTAMPISH = /^(timestamp|date$)/;

function scalarFrom(table: Map<string, ScalarDType>, text: string): ScalarDType | undefined {
  if (TIMESTAMPISH.test(text)) return 'UnixTimestamp';
  return table.get(text.replace(/\(\d+(,\s*\d+)?\)$/, ''));
}

/** A DuckDB type (`BIGINT`, `VARCHAR[]`, `TIMESTAMP WITH TIME ZONE`) → our dtype; undefined when we have none. */
export function fromDuckdbType(sqlType: string): DType | undefined {
  const t = sqlType.trim().toLowerCase();
  const inner = /^(.+)\[\]$/.exec(t)?.[1];
  const scalar = scalarFrom(FROM_DUCKDB, inner ?? t);
  return scalar && (inner ? `Array(${scalar})` : scalar);
}

/** A Trino / Athena type (`bigint`, `array(varchar)`, `timestamp(3)`, `varchar(20)`) → our dtype. */
export function fromTrinoType(sqlType: string): DType | undefined {
  const t = sqlType.trim().toLowerCase();
  const inner = /^array\((.+)\)$/.exec(t)?.[1];
  const scalar = scalarFrom(FROM_TRINO, inner ?? t);
  return scalar && (inner ? `Array(${scalar})` : scalar);
}

/** A Glue / Hive column type (`bigint`, `array<string>`) → our dtype. */
export function fromHiveType(hive: string): DType | undefined {
  const t = hive.trim().toLowerCase();
  const inner = /^array<(.+)>$/.exec(t)?.[1];
  const scalar = scalarFrom(FROM_HIVE, inner ?? t);
  return scalar && (inner ? `Array(${scalar})` : scalar);
}

/** The type fields of a Parquet schema element, as hyparquet reads them. */
export interface ParquetSchemaType {
  type?: string;
  converted_type?: string;
  logical_type?: { type: string };
}

/**
 * A flat Parquet column's type → our dtype, for files we did not write (entity files): any
 * timestamp or date is an instant, decimals are Float64, JSON and unknown types are text.
 */
export function fromParquetType(e: ParquetSchemaType): DType {
  const logical = e.logical_type?.type;
  if (logical === 'TIMESTAMP' || e.converted_type === 'TIMESTAMP_MILLIS' || e.converted_type === 'TIMESTAMP_MICROS' || e.type === 'INT96')
    return 'UnixTimestamp';
  if (logical === 'DATE' || e.converted_type === 'DATE') return 'UnixTimestamp';
  if (logical === 'DECIMAL' || e.converted_type === 'DECIMAL') return 'Float64';
  if (logical === 'STRING' || e.converted_type === 'UTF8' || logical === 'JSON' || e.converted_type === 'JSON') return 'String';
  // Unannotated BYTE_ARRAY is read as text (hyparquet decodes it as UTF-8), as are unknown types.
  if (e.type === 'BYTE_ARRAY') return 'String';
  const physical = SCALAR_DTYPES.find((d) => TYPE_MAP[d].parquet.type === e.type && !TYPE_MAP[d].parquet.logical_type);
  return physical ?? 'String';
}

// ---- generated clients: how each JSON kind is typed (docs/typed-clients.md) ------------------

/**
 * A JSON kind in a generated client (`skewless codegen`): `ts` is the type a decoded value has,
 * `input` what an entity / request-data column accepts. Int64 decodes to `bigint` because the API
 * sends a JSON number up to ±2^53−1 and a decimal string beyond (value-schema.ts): one exact type
 * for both. Instants arrive as RFC 3339 text and decode to `Date`; bytes arrive as base64.
 */
export interface ClientType {
  readonly ts: string;
  readonly input: string;
}

export const CLIENT_TYPES: Readonly<Record<JsonKind, ClientType>> = Object.freeze({
  int32: { ts: 'number', input: 'number' },
  int64: { ts: 'bigint', input: 'bigint | number | string' },
  float32: { ts: 'number', input: 'number' },
  float64: { ts: 'number', input: 'number' },
  string: { ts: 'string', input: 'string' },
  boolean: { ts: 'boolean', input: 'boolean' },
  base64: { ts: 'Uint8Array', input: 'Uint8Array | string' },
  instant: { ts: 'Date', input: 'Date | string' },
});

/** The TypeScript type of a decoded value of `dtype` (nullable: a missing value is null), and of an input column's element. */
export function clientType(dtype: DType): { ts: string; input: string } {
  const { kind, array } = jsonKind(dtype);
  const t = CLIENT_TYPES[kind];
  return array ? { ts: `(${t.ts} | null)[] | null`, input: `readonly (${t.input} | null)[]` } : { ts: `${t.ts} | null`, input: t.input };
}
