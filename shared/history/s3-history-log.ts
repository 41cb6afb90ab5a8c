import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { HistoryLog } from './history-log.js';

/**
 * provider aws: one object per record under a prefix of the data bucket, keyed
 * `<prefix><ISO time>-<random>.json` so listing order is time order (S3 lists keys in UTF-8 order).
 */
export class S3HistoryLog<T> implements HistoryLog<T> {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async append(record: T): Promise<void> {
    const key = `${this.prefix}${this.now().toISOString()}-${randomUUID().slice(0, 8)}.json`;
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: JSON.stringify(record), ContentType: 'application/json' }));
  }

  async list(limit: number): Promise<T[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const newest = keys.sort().slice(-limit);
    return Promise.all(
      newest.map(async (Key) => {
        const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key }));
        return JSON.parse(await r.Body!.transformToString()) as T;
      }),
    );
  }
}
