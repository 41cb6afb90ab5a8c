import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { parquetMetadataAsync, parquetReadObjects, type AsyncBuffer } from 'hyparquet';
import { ValidationError } from '../../errors.js';

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new ValidationError(`not an s3:// URI: ${uri}`, [{ field: 'uri', message: 'expected s3://bucket/key' }]);
  return { bucket: m[1], key: m[2] };
}

/** An S3 object as hyparquet's AsyncBuffer: each slice is one ranged GET, so only the footer and the wanted row groups are read. */
export async function s3AsyncBuffer(s3: S3Client, bucket: string, key: string): Promise<AsyncBuffer> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const size = head.ContentLength ?? 0;
  return {
    byteLength: size,
    async slice(start: number, end?: number) {
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${(end ?? size) - 1}` }));
      const bytes = await r.Body!.transformToByteArray();
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

/**
 * Keys of every data file under a prefix (all pages), whatever their extension: Athena's UNLOAD
 * writes extensionless objects. Names starting with `_` or `.` are skipped, as Hive readers do.
 */
export async function listDataFiles(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of r.Contents ?? []) {
      const rel = o.Key!.slice(prefix.length);
      if (rel && !rel.endsWith('/') && !/(^|\/)[_.]/.test(rel) && (o.Size ?? 1) > 0) keys.push(o.Key!);
    }
    token = r.NextContinuationToken;
  } while (token);
  return keys.sort();
}

/** Reads one object row group by row group (never the whole object at once). */
export async function* readRowGroups(s3: S3Client, bucket: string, key: string, columns?: string[]): AsyncGenerator<Record<string, unknown>[]> {
  yield* readBufferRowGroups(await s3AsyncBuffer(s3, bucket, key), columns);
}

/** Reads a Parquet file behind any AsyncBuffer (an S3 object, a local file) row group by row group. */
export async function* readBufferRowGroups(file: AsyncBuffer, columns?: string[]): AsyncGenerator<Record<string, unknown>[]> {
  // Footers are small: a 64 KiB tail read finds them without pulling a small object whole.
  const metadata = await parquetMetadataAsync(file, { initialFetchSize: 64 * 1024 });
  let rowStart = 0;
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + n, ...(columns ? { columns } : {}) });
    rowStart += n;
    yield rows as Record<string, unknown>[];
  }
}
