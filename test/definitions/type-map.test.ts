import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { athenaSyntaxErrors } from '../../examples/aws-local/athena-grammar.js';
import { SCALAR_DTYPES, type DType } from '../../shared/definitions/dtypes.js';
import {
  duckdbType,
  dtypeOf,
  fromDuckdbType,
  fromHiveType,
  fromParquetType,
  fromTrinoType,
  hiveType,
  jsonKind,
  parquetType,
  trinoType,
  TYPE_MAP,
} from '../../shared/definitions/type-map.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { toParquet } from '../../shared/offline/parquet/write-parquet.js';
import { checkValue } from '../../shared/services/value-schema.js';
import { tempDir } from '../helpers/tmp.js';

const ALL: DType[] = [...SCALAR_DTYPES, ...SCALAR_DTYPES.map((s) => `Array(${s})` as DType)];
/** One JSON value per scalar dtype, as a push body carries it. */
const SAMPLE: Record<(typeof SCALAR_DTYPES)[number], unknown> = {
  Int32: 7,
  Int64: '9007199254740993',
  Float32: 1.5,
  Float64: 2.25,
  String: 'x',
  Bool: true,
  Bytes: 'AAE=',
  UnixTimestamp: '2026-01-02T03:04:05Z',
};

describe('Type map: every dtype to every engine and back', () => {
  it('has an entry for every scalar dtype and nothing else', () => {
    expect(Object.keys(TYPE_MAP).sort()).toEqual([...SCALAR_DTYPES].sort());
  });

  it.each(ALL)('%s: each engine type exists and round-trips through its reverse', (dtype) => {
    for (const [forward, back] of [
      [duckdbType, fromDuckdbType],
      [trinoType, fromTrinoType],
      [hiveType, fromHiveType],
    ] as const) {
      const engineType = forward(dtype);
      expect(engineType).toMatch(/\S/);
      expect(back(engineType)).toBe(dtype);
    }
    expect(jsonKind(dtype).kind).toMatch(/\S/);
    expect(jsonKind(dtype).array).toBe(dtype.startsWith('Array('));
  });

  it('maps the event-time column type Timestamp as UnixTimestamp everywhere', () => {
    expect(dtypeOf('Timestamp')).toBe('UnixTimestamp');
    expect([duckdbType('Timestamp'), trinoType('Timestamp'), hiveType('Timestamp')]).toEqual([
      duckdbType('UnixTimestamp'),
      trinoType('UnixTimestamp'),
      hiveType('UnixTimestamp'),
    ]);
    expect(parquetType('Timestamp')).toEqual(parquetType('UnixTimestamp'));
  });

  it('reads the engine spellings it meets in schemas it did not write', () => {
    expect(fromDuckdbType('TIMESTAMP WITH TIME ZONE')).toBe('UnixTimestamp');
    expect(fromDuckdbType('timestamp_ns')).toBe('UnixTimestamp');
    expect(fromDuckdbType('DATE')).toBe('UnixTimestamp');
    expect(fromDuckdbType(' bigint ')).toBe('Int64');
    expect(fromTrinoType('timestamp(3)')).toBe('UnixTimestamp');
    expect(fromTrinoType('timestamp(6) with time zone')).toBe('UnixTimestamp');
    expect(fromTrinoType('varchar(20)')).toBe('String');
    expect(fromTrinoType('array(varchar(3))')).toBe('Array(String)');
    expect(fromHiveType('ARRAY<BIGINT>')).toBe('Array(Int64)');
  });

  it('refuses engine types that have no dtype', () => {
    for (const t of ['HUGEINT', 'STRUCT(a INTEGER)', 'MAP(VARCHAR, INTEGER)', 'INTEGER[][]', 'DATETIME', '']) expect(fromDuckdbType(t)).toBeUndefined();
    for (const t of ['map(varchar, integer)', 'row(a integer)', 'array(array(integer))', 'json']) expect(fromTrinoType(t)).toBeUndefined();
    for (const t of ['map<string,int>', 'struct<a:int>', 'array<array<int>>', 'datetime']) expect(fromHiveType(t)).toBeUndefined();
  });

  it('reads Parquet columns by their annotations: timestamps and dates are instants, decimals Float64, the rest text', () => {
    expect(fromParquetType({ type: 'INT64', logical_type: { type: 'TIMESTAMP' } })).toBe('UnixTimestamp');
    expect(fromParquetType({ type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' })).toBe('UnixTimestamp');
    expect(fromParquetType({ type: 'INT96' })).toBe('UnixTimestamp');
    expect(fromParquetType({ type: 'INT32', converted_type: 'DATE' })).toBe('UnixTimestamp');
    expect(fromParquetType({ type: 'FIXED_LEN_BYTE_ARRAY', logical_type: { type: 'DECIMAL' } })).toBe('Float64');
    expect(fromParquetType({ type: 'BYTE_ARRAY', logical_type: { type: 'JSON' } })).toBe('String');
    expect(fromParquetType({ type: 'BYTE_ARRAY' })).toBe('String');
    expect(fromParquetType({ type: 'FIXED_LEN_BYTE_ARRAY' })).toBe('String');
  });

  it('has a Parquet type for every scalar and none for arrays (the pure-JS writer writes flat columns)', () => {
    for (const s of SCALAR_DTYPES) expect(parquetType(s)?.type).toMatch(/\S/);
    for (const s of SCALAR_DTYPES) expect(parquetType(`Array(${s})`)).toBeUndefined();
  });

  it.each(ALL)('%s: the value check of its JSON kind accepts a value of it', (dtype) => {
    const scalar = dtype.replace(/^Array\((\w+)\)$/, '$1') as (typeof SCALAR_DTYPES)[number];
    const v = dtype.startsWith('Array(') ? [SAMPLE[scalar], null] : SAMPLE[scalar];
    expect(checkValue(dtype, v).ok).toBe(true);
  });

  it.each(ALL)('%s: the Trino type is Athena syntax and the Glue type parses as a column type', (dtype) => {
    expect(athenaSyntaxErrors(`SELECT CAST(NULL AS ${trinoType(dtype)}) AS c`)).toEqual([]);
    expect(athenaSyntaxErrors(`CREATE TABLE t (c ${hiveType(dtype)})`)).toEqual([]);
  });

  describe('against a real DuckDB', () => {
    let db: DuckDBSession;
    const tmp = tempDir();
    beforeAll(async () => (db = await DuckDBSession.create()));
    afterAll(() => db.close());

    it.each(ALL)('%s: DuckDB accepts the type in a cast and describes it back as the same dtype', async (dtype) => {
      const [described] = await db.all(`DESCRIBE SELECT CAST(NULL AS ${duckdbType(dtype)}) AS c`);
      expect(fromDuckdbType(String(described.column_type))).toBe(dtype);
    });

    it.each([...SCALAR_DTYPES])(
      '%s: a Parquet column written by the JS writer reads back as the same dtype (DuckDB; hyparquet where the file says so)',
      async (dtype) => {
        const path = join(tmp.dir, `${dtype}.parquet`);
        const value = dtype === 'UnixTimestamp' ? new Date('2026-01-02T03:04:05Z') : dtype === 'Int64' ? 5 : SAMPLE[dtype];
        writeFileSync(path, toParquet([{ name: 'c', dtype }], [{ c: value }, { c: null }]));
        const [described] = await db.all(`DESCRIBE SELECT c FROM read_parquet('${path}')`);
        expect(fromDuckdbType(String(described.column_type))).toBe(dtype);
        const bytes = readFileSync(path);
        const [, element] = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).schema;
        // Unannotated BYTE_ARRAY (Bytes) reads as text from files we did not write: the one lossy way back.
        expect(fromParquetType(element)).toBe(dtype === 'Bytes' ? 'String' : dtype);
      },
    );
  });
});
