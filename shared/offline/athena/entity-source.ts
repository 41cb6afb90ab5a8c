import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parquetMetadataAsync, type SchemaElement } from 'hyparquet';
import { ValidationError } from '../../errors.js';
import type { StageType } from '../duckdb/session.js';
import type { Row } from '../offline-store.js';
import { parseS3Uri, readRowGroups, s3AsyncBuffer } from './s3-parquet.js';

/** An entity file in S3, read chunk by chunk so that millions of rows never sit in memory at once. */
export interface EntitySource {
  /** Columns in file order; the type when the file declares one (Parquet), else undefined (CSV text). */
  columns: { name: string; type?: StageType }[];
  chunks(): AsyncIterable<Row[]>;
}

/** `s3://bucket/key.parquet` or `.csv` (or an explicit format): its columns, then its rows in chunks. */
export async function openEntitySource(s3: S3Client, uri: string, format?: 'parquet' | 'csv', chunkRows = 100_000): Promise<EntitySource> {
  const { bucket, key } = parseS3Uri(uri);
  const kind = format ?? (/\.csv$/i.test(key) ? 'csv' : 'parquet');
  return kind === 'csv' ? csvSource(s3, bucket, key, chunkRows) : parquetSource(s3, bucket, key, chunkRows);
}

function parquetType(e: SchemaElement): StageType {
  const logical = e.logical_type?.type;
  if (logical === 'TIMESTAMP' || e.converted_type === 'TIMESTAMP_MILLIS' || e.converted_type === 'TIMESTAMP_MICROS' || e.type === 'INT96') return 'TIMESTAMP';
  // Dates are read as instants at UTC midnight; decimals as doubles.
  if (logical === 'DATE' || e.converted_type === 'DATE') return 'TIMESTAMP';
  if (logical === 'DECIMAL' || e.converted_type === 'DECIMAL') return 'DOUBLE';
  if (logical === 'STRING' || e.converted_type === 'UTF8' || logical === 'JSON' || e.converted_type === 'JSON') return 'VARCHAR';
  switch (e.type) {
    case 'BOOLEAN': return 'BOOLEAN';
    case 'INT32': return 'INTEGER';
    case 'INT64': return 'BIGINT';
    case 'FLOAT': return 'FLOAT';
    case 'DOUBLE': return 'DOUBLE';
    default: return 'VARCHAR';
  }
}

async function parquetSource(s3: S3Client, bucket: string, key: string, chunkRows: number): Promise<EntitySource> {
  const meta = await parquetMetadataAsync(await s3AsyncBuffer(s3, bucket, key), { initialFetchSize: 64 * 1024 });
  // Top-level columns only: the root's children, skipping the subtrees of nested ones.
  const columns: { name: string; type?: StageType }[] = [];
  for (let i = 1, left = meta.schema[0].num_children ?? 0; left > 0; left--) {
    const e = meta.schema[i];
    if (e.num_children) throw new ValidationError(`entity file column '${e.name}' is nested; entity columns must be scalars`, [{ field: e.name, message: 'nested column' }]);
    columns.push({ name: e.name, type: parquetType(e) });
    i++;
  }
  return {
    columns,
    async *chunks() {
      for await (const rows of readRowGroups(s3, bucket, key)) {
        for (let i = 0; i < rows.length; i += chunkRows) yield rows.slice(i, i + chunkRows);
      }
    },
  };
}

/** RFC 4180 CSV with a header row; values stay text ('' = null), typed later by the column they land in. */
async function csvSource(s3: S3Client, bucket: string, key: string, chunkRows: number): Promise<EntitySource> {
  const records = () => csvRecords(s3, bucket, key);
  let header: string[] | undefined;
  for await (const r of records()) {
    header = r;
    break;
  }
  if (!header?.length) throw new ValidationError(`entity file s3://${bucket}/${key} is empty`, [{ field: 'entity', message: 'no header row' }]);
  const names = header;
  // Types of pass-through columns come from the whole file (a first pass reads only text).
  const kinds = names.map(() => new Set<'int' | 'float' | 'bool' | 'text'>());
  let first = true;
  for await (const r of records()) {
    if (first) { first = false; continue; }
    r.forEach((v, i) => {
      if (v === '' || i >= kinds.length) return;
      kinds[i].add(/^[+-]?\d{1,15}$/.test(v) ? 'int' : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? 'float' : /^(true|false)$/i.test(v) ? 'bool' : 'text');
    });
  }
  const typeOf = (k: Set<string>): StageType | undefined =>
    k.size === 0 || k.has('text') ? undefined : k.size === 1 && k.has('int') ? 'BIGINT' : k.has('bool') ? (k.size === 1 ? 'BOOLEAN' : undefined) : 'DOUBLE';
  return {
    columns: names.map((name, i) => ({ name, ...(typeOf(kinds[i]) ? { type: typeOf(kinds[i]) } : {}) })),
    async *chunks() {
      let chunk: Row[] = [];
      let skip = true;
      for await (const r of records()) {
        if (skip) { skip = false; continue; }
        if (r.length === 1 && r[0] === '') continue;
        chunk.push(Object.fromEntries(names.map((n, i) => [n, r[i] === undefined || r[i] === '' ? null : r[i]])));
        if (chunk.length >= chunkRows) (yield chunk, (chunk = []));
      }
      if (chunk.length) yield chunk;
    },
  };
}

/** Streams CSV records from an S3 object: quoted fields, doubled quotes, CRLF and newlines inside quotes. */
async function* csvRecords(s3: S3Client, bucket: string, key: string): AsyncGenerator<string[]> {
  const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const decoder = new TextDecoder();
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let afterQuote = false;
  for await (const bytes of obj.Body as AsyncIterable<Uint8Array>) {
    const text = decoder.decode(bytes, { stream: true });
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') (field += '"'), i++;
          else (quoted = false), (afterQuote = true);
        } else field += ch;
        continue;
      }
      if (ch === '"' && field === '' && !afterQuote) quoted = true;
      else if (ch === ',') (record.push(field), (field = ''), (afterQuote = false));
      else if (ch === '\n') {
        record.push(field.endsWith('\r') && !afterQuote ? field.slice(0, -1) : field);
        yield record;
        (record = []), (field = ''), (afterQuote = false);
      } else if (!(ch === '\r' && afterQuote)) field += ch;
    }
  }
  if (field !== '' || record.length) {
    record.push(field.endsWith('\r') ? field.slice(0, -1) : field);
    yield record;
  }
}
