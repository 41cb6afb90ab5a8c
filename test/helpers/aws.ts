import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { createAwsClients, type AwsClients } from '../../shared/aws/clients.js';
import { ENV } from '../../shared/layout/env.js';

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

/** Undoes what a test set to run the Lambda handlers in process: the deployed-stack variables and the Athena double's endpoint. */
export function clearLambdaEnv(): void {
  for (const k of ['AWS_ENDPOINT_URL_ATHENA', ENV.project, ENV.bucket, ENV.table, ENV.glueDatabase, ENV.registryCacheSeconds]) delete process.env[k];
}
