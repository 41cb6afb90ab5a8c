import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { RegistryConflictError } from '../errors.js';
import { sameContent } from './intervals.js';
import type { RegistryStore } from './registry-store.js';
import { emptyRegistry, type RegistryData } from './types.js';

const isPreconditionFailure = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'PreconditionFailed' || e?.name === 'ConditionalRequestConflict' || e?.$metadata?.httpStatusCode === 412 || e?.$metadata?.httpStatusCode === 409
  );
};

/**
 * The registry as one JSON object in S3 with optimistic concurrency: `If-None-Match: *` creates it,
 * `If-Match: <etag>` updates it; on a conflict the latest version is re-read and the mutation
 * re-applied, so concurrent applies never lose each other's objects.
 */
export class S3RegistryStore implements RegistryStore {
  readonly location: string;
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly maxAttempts = 30,
  ) {
    this.location = `s3://${bucket}/${key}`;
  }

  /** The document and its ETag; undefined when it does not exist yet. */
  async readWithEtag(): Promise<{ data: RegistryData; etag: string } | undefined> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }));
      return { data: JSON.parse(await r.Body!.transformToString()) as RegistryData, etag: r.ETag! };
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  /**
   * What warm readers (Lambdas, `serve`) see. A registry that was never applied reads as an empty
   * one (tag '' — the next read is a full GET): a freshly deployed stack reports no views and
   * answers "unknown view" instead of failing every scheduled run until the first `apply`.
   * `read` / `update` still see `undefined`, so `apply` creates the object with `If-None-Match: *`.
   */
  async readIfChanged(since?: string): Promise<{ data: RegistryData; tag: string } | 'unchanged' | undefined> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key, ...(since ? { IfNoneMatch: since } : {}) }));
      return { data: JSON.parse(await r.Body!.transformToString()) as RegistryData, tag: r.ETag! };
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.$metadata?.httpStatusCode === 304 || e.name === 'NotModified' || e.name === '304') return 'unchanged';
      if (e.name === 'NoSuchKey') return { data: emptyRegistry(''), tag: '' };
      throw err;
    }
  }

  async read(): Promise<RegistryData | undefined> {
    return (await this.readWithEtag())?.data;
  }

  async update<T>(mutate: (current: RegistryData | undefined) => { next: RegistryData; result: T } | Promise<{ next: RegistryData; result: T }>): Promise<T> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.readWithEtag();
      const { next, result } = await mutate(current ? structuredClone(current.data) : undefined);
      // Nothing changed (e.g. a no-op apply): no PUT, the ETag stays, cached readers stay valid.
      if (sameContent(current?.data, next)) return result;
      next.serial = (current?.data.serial ?? 0) + 1;
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.key,
            Body: JSON.stringify(next, null, 2),
            ContentType: 'application/json',
            ...(current ? { IfMatch: current.etag } : { IfNoneMatch: '*' }),
          }),
        );
        return result;
      } catch (err) {
        if (!isPreconditionFailure(err)) throw err;
        // Someone committed first: back off with jitter, re-read, re-apply.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
      }
    }
    throw new RegistryConflictError(this.location, this.maxAttempts);
  }
}
