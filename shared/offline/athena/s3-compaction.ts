import { randomUUID } from 'node:crypto';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { COMPACTABLE, COMPACTION_DEFAULTS, mergeKey, type CompactionOptions, type CompactionResult } from '../compaction.js';
import { toParquet, type ParquetColumn } from '../parquet/write-parquet.js';
import { readRowGroups } from './s3-parquet.js';

/**
 * Merges the small pushed parts of each `dt=` partition under `prefix` into one object (identical
 * rows once), then deletes them. `columns` is the schema pushes write for the view.
 */
export async function compactS3Prefix(
  s3: S3Client,
  bucket: string,
  prefix: string,
  columns: ParquetColumn[],
  opts: CompactionOptions = {},
  now = Date.now(),
): Promise<CompactionResult> {
  const { smallBytes, minFiles } = { ...COMPACTION_DEFAULTS, ...opts };
  const byPartition = new Map<string, string[]>();
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of r.Contents ?? []) {
      if (!o.Key || !COMPACTABLE.test(o.Key) || (o.Size ?? 0) >= smallBytes) continue;
      const dir = o.Key.slice(0, o.Key.lastIndexOf('/') + 1);
      byPartition.set(dir, [...(byPartition.get(dir) ?? []), o.Key]);
    }
    token = r.NextContinuationToken;
  } while (token);
  const result: CompactionResult = { partitions: 0, filesBefore: 0, filesAfter: 0, rows: 0 };
  for (const [dir, keys] of byPartition) {
    if (keys.length < minFiles) continue;
    const rows = new Map<string, Record<string, unknown>>();
    for (const key of keys) {
      for await (const group of readRowGroups(
        s3,
        bucket,
        key,
        columns.map((c) => c.name),
      ))
        for (const r of group) rows.set(mergeKey(r), r);
    }
    // Visible first, deleted second: readers never miss a row.
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${dir}part-compacted-${now}-${randomUUID()}.parquet`, Body: toParquet(columns, [...rows.values()]) }),
    );
    for (let i = 0; i < keys.length; i += 1000) {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
    }
    result.partitions++;
    result.filesBefore += keys.length;
    result.filesAfter++;
    result.rows += rows.size;
  }
  return result;
}
