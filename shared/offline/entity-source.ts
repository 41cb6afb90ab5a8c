import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { asyncBufferFromFile, parquetMetadataAsync, type AsyncBuffer } from 'hyparquet';
import type { DType } from '../definitions/dtypes.js';
import { fromParquetType } from '../definitions/type-map.js';
import { ValidationError } from '../errors.js';
import type { Row } from './offline-store.js';
import { parseS3Uri, readBufferRowGroups, s3AsyncBuffer } from './athena/s3-parquet.js';

/** An entity file (an S3 object or a local file), read chunk by chunk so that millions of rows never sit in memory at once. */
export interface EntitySource {
  /** Columns in file order; the type when the file declares one (Parquet), else undefined (CSV text). */
  columns: { name: string; dtype?: DType }[];
  chunks(): AsyncIterable<Row[]>;
}

/** Where an entity file's bytes come from: ranged reads (Parquet) or one stream (CSV). */
interface ByteSource {
  name: string;
  buffer(): Promise<AsyncBuffer>;
  stream(): Promise<AsyncIterable<Uint8Array>>;
}

function s3Bytes(s3: S3Client, uri: string): ByteSource {
  const { bucket, key } = parseS3Uri(uri);
  return {
    name: `s3://${bucket}/${key}`,
    buffer: () => s3AsyncBuffer(s3, bucket, key),
    stream: async () => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as AsyncIterable<Uint8Array>,
  };
}

function fileBytes(path: string): ByteSource {
  const abs = resolve(path);
  return { name: abs, buffer: () => asyncBufferFromFile(abs), stream: async () => createReadStream(abs) };
}

/**
 * `s3://bucket/key.parquet` or `.csv`, or a local file path (an explicit format overrides the
 * extension): its columns, then its rows in chunks.
 */
export async function openEntitySource(s3: S3Client, uri: string, format?: 'parquet' | 'csv', chunkRows = 100_000): Promise<EntitySource> {
  const bytes = uri.startsWith('s3://') ? s3Bytes(s3, uri) : fileBytes(uri);
  const kind = format ?? (/\.csv$/i.test(uri) ? 'csv' : 'parquet');
  try {
    return kind === 'csv' ? await csvSource(bytes, chunkRows) : await parquetSource(bytes, chunkRows);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ValidationError(`entity file ${bytes.name}: no such file`, [{ field: 'entity', message: 'file not found' }]);
    throw err;
  }
}

async function parquetSource(bytes: ByteSource, chunkRows: number): Promise<EntitySource> {
  const file = await bytes.buffer();
  const meta = await parquetMetadataAsync(file, { initialFetchSize: 64 * 1024 });
  // Top-level columns only: the root's children, skipping the subtrees of nested ones.
  const columns: { name: string; dtype?: DType }[] = [];
  for (let i = 1, left = meta.schema[0].num_children ?? 0; left > 0; left--) {
    const e = meta.schema[i];
    if (e.num_children)
      throw new ValidationError(`entity file column '${e.name}' is nested; entity columns must be scalars`, [{ field: e.name, message: 'nested column' }]);
    columns.push({ name: e.name, dtype: fromParquetType(e) });
    i++;
  }
  return {
    columns,
    async *chunks() {
      for await (const rows of readBufferRowGroups(file)) {
        for (let i = 0; i < rows.length; i += chunkRows) yield rows.slice(i, i + chunkRows);
      }
    },
  };
}

/** RFC 4180 CSV with a header row; values stay text ('' = null), typed later by the column they land in. */
async function csvSource(bytes: ByteSource, chunkRows: number): Promise<EntitySource> {
  const records = () => csvRecords(bytes);
  let header: string[] | undefined;
  for await (const r of records()) {
    header = r;
    break;
  }
  if (!header?.length) throw new ValidationError(`entity file ${bytes.name} is empty`, [{ field: 'entity', message: 'no header row' }]);
  const names = header;
  // Types of pass-through columns come from the whole file (a first pass reads only text).
  const kinds = names.map(() => new Set<'int' | 'float' | 'bool' | 'text'>());
  let first = true;
  for await (const r of records()) {
    if (first) {
      first = false;
      continue;
    }
    r.forEach((v, i) => {
      if (v === '' || i >= kinds.length) return;
      kinds[i].add(
        /^[+-]?\d{1,15}$/.test(v) ? 'int' : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? 'float' : /^(true|false)$/i.test(v) ? 'bool' : 'text',
      );
    });
  }
  const typeOf = (k: Set<string>): DType | undefined =>
    k.size === 0 || k.has('text') ? undefined : k.size === 1 && k.has('int') ? 'Int64' : k.has('bool') ? (k.size === 1 ? 'Bool' : undefined) : 'Float64';
  return {
    columns: names.map((name, i) => ({ name, ...(typeOf(kinds[i]) ? { dtype: typeOf(kinds[i]) } : {}) })),
    async *chunks() {
      let chunk: Row[] = [];
      let skip = true;
      for await (const r of records()) {
        if (skip) {
          skip = false;
          continue;
        }
        if (r.length === 1 && r[0] === '') continue;
        chunk.push(Object.fromEntries(names.map((n, i) => [n, r[i] === undefined || r[i] === '' ? null : r[i]])));
        if (chunk.length >= chunkRows) yield chunk, (chunk = []);
      }
      if (chunk.length) yield chunk;
    },
  };
}

/** Streams CSV records: quoted fields, doubled quotes, CRLF and newlines inside quotes. */
async function* csvRecords(bytes: ByteSource): AsyncGenerator<string[]> {
  const body = await bytes.stream();
  const decoder = new TextDecoder();
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let afterQuote = false;
  for await (const chunk of body) {
    const text = decoder.decode(chunk, { stream: true });
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
      else if (ch === ',') record.push(field), (field = ''), (afterQuote = false);
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
