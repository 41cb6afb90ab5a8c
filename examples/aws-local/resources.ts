import { CreateDatabaseCommand } from '@aws-sdk/client-glue';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../shared/aws/clients.js';
import { DynamoDBOnlineStore } from '../../shared/online/dynamodb-online-store.js';

/** What the CDK app provisions in AWS, created directly against an emulator. */
export async function ensureAwsResources(aws: AwsClients, names: { bucket: string; table: string; glueDatabase: string }): Promise<void> {
  await aws.s3.send(new CreateBucketCommand({ Bucket: names.bucket })).catch((err: { name?: string }) => {
    if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
  });
  await DynamoDBOnlineStore.ensureTable(aws.dynamodb, names.table);
  await aws.glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: names.glueDatabase } })).catch((err: { name?: string }) => {
    if (err.name !== 'AlreadyExistsException') throw err;
  });
}
