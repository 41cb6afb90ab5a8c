import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ENV } from '../shared/layout/env.js';
import { S3_PREFIX } from '../shared/layout/s3-layout.js';
import { tracer } from './lib/tracer.js';
import type { StreamRecord } from './lib/stream-records.js';
import { ConfigurationError } from '../shared/errors.js';

/** Where an invalid stream record goes, with why: it is kept, not retried. */
export type Quarantine = (record: StreamRecord, reason: { message: string; details?: unknown }) => Promise<void>;

/**
 * Invalid records as one JSON object each under `s3://bucket/quarantine/<source>/dt=<arrival day>/`,
 * named after the record's position (shard sequence number / topic-partition offset): a re-delivered
 * record overwrites its own object instead of piling up copies. The exact bytes are kept (base64)
 * beside the decoded text, so a fix can replay them.
 */
export function s3Quarantine(s3: S3Client, bucket: string, prefix: string = S3_PREFIX.quarantine): Quarantine {
  return async (record, reason) => {
    const day = new Date(record.arrivedAt).toISOString().slice(0, 10);
    const key = `${prefix}/${record.source}/dt=${day}/${record.key.replace(/[^A-Za-z0-9._=-]/g, '_')}.json`;
    const body = {
      source: record.source,
      position: record.position,
      arrivedAt: new Date(record.arrivedAt).toISOString(),
      reason: reason.message,
      details: reason.details ?? null,
      payload: record.payload,
      payloadBase64: record.payloadBase64,
    };
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(body), ContentType: 'application/json' }));
  };
}

let fromEnv: Quarantine | undefined;

/** The Lambda's quarantine: the data bucket the stack sets in SKEWLESS_BUCKET. */
export function quarantineFromEnv(env: NodeJS.ProcessEnv = process.env): Quarantine {
  const bucket = env[ENV.bucket];
  if (!bucket) throw new ConfigurationError(`${ENV.bucket} is not set: invalid stream records have nowhere to go`, { env: ENV.bucket });
  fromEnv ??= s3Quarantine(tracer.captureAWSv3Client(new S3Client({})), bucket);
  return fromEnv;
}

/** Tests point the Lambda at another bucket between cases. */
export function resetQuarantine(): void {
  fromEnv = undefined;
}
