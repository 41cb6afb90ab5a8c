import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { type ClientConfig, instrumented } from './client-config.js';

/** The clients every aws-provider function needs from its first invocation: S3 (registry, offline data) and DynamoDB (online store). */
export interface StorageClients {
  s3: S3Client;
  dynamodb: DynamoDBClient;
}

export function createStorageClients(config: ClientConfig): StorageClients {
  return {
    s3: instrumented(new S3Client({ ...config.common, forcePathStyle: config.forcePathStyle })),
    dynamodb: instrumented(new DynamoDBClient(config.common)),
  };
}
