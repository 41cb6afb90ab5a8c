import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * SDK clients for one region. Endpoints come from the SDK's own AWS_ENDPOINT_URL[_<SERVICE>]
 * variables, so emulators need no code here; path-style S3 addressing is used whenever an endpoint
 * override is set (emulators do not serve virtual-hosted buckets).
 */
export interface AwsClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
  glue: GlueClient;
  athena: AthenaClient;
}

export function createAwsClients(region: string, env: NodeJS.ProcessEnv = process.env): AwsClients {
  const forcePathStyle = Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
  // Throttling and 5xx are retried by the SDK with jittered backoff (adaptive mode backs off under throttling).
  const common = { region, maxAttempts: 6, retryMode: 'adaptive' as const };
  return {
    s3: new S3Client({ ...common, forcePathStyle }),
    dynamodb: new DynamoDBClient(common),
    glue: new GlueClient(common),
    athena: new AthenaClient(common),
  };
}
