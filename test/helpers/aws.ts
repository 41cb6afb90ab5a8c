import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.js';

/** Clients pointed at the moto_server of the global setup, and a unique name per call. */
export function awsForTests(): AwsClients {
  if (!process.env.AWS_ENDPOINT_URL) throw new Error('moto_server is not running (test/setup/moto.ts)');
  return createAwsClients('us-east-1');
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function newBucket(aws: AwsClients, prefix = 'skewless'): Promise<string> {
  const bucket = uniqueName(prefix);
  await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}
