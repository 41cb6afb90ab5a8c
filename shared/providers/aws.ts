import { clientConfig } from '../aws/client-config.js';
import { createStorageClients } from '../aws/storage-clients.js';
import type { RepoConfig } from '../config/config.js';
import { ValidationError } from '../errors.js';
import { athenaResultsLocation } from '../layout/s3-layout.js';
import type { AthenaOfflineStore, AthenaOfflineStoreOptions } from '../offline/athena/athena-offline-store.js';
import { assertDatasetOutput } from '../offline/athena/dataset-output.js';
import { S3CheckpointStore } from '../offline/athena/s3-checkpoint-store.js';
import { duckdbBatchEngine } from '../offline/duckdb/batch-engine.js';
import { assertViewsFitDynamoItem } from '../online/dynamodb-item-size.js';
import { LazyOfflineStore } from '../offline/lazy-offline-store.js';
import { DynamoDBOnlineStore } from '../online/dynamodb-online-store.js';
import { DynamoDBTileStore } from '../online/tiles/dynamodb-tile-store.js';
import { S3RegistryStore } from '../registry/s3-registry-store.js';
import type { StoreParts } from './types.js';

/** provider aws: registry in S3, DynamoDB online, S3 Parquet + Glue + Athena offline (docs/architecture.md#storage-layouts). */
export function awsProvider(config: RepoConfig): StoreParts {
  const aws = config.aws;
  if (!aws)
    throw new ValidationError('provider aws needs an "aws" section (bucket, table, …) in skewless.json', [
      { field: 'aws', message: 'required for provider aws' },
    ]);
  // One connection per write in flight, and room for a lookup's parallel BatchGetItem calls.
  const sdk = clientConfig(aws.region, process.env, {
    maxSockets: Math.max(50, aws.writeConcurrency, Math.ceil(config.limits.maxEntitiesPerLookup / 100)),
  });
  const clients = createStorageClients(sdk);
  const layout: Omit<AthenaOfflineStoreOptions, 's3' | 'glue' | 'athena'> = {
    bucket: aws.bucket,
    prefix: aws.prefix,
    database: aws.glueDatabase,
    workgroup: aws.athenaWorkgroup,
    outputLocation: aws.athenaOutput ?? athenaResultsLocation(aws.bucket),
  };
  // The query engine (Glue, Athena and their SDK clients) loads on the first offline call: a lookup never makes one.
  const offline = new LazyOfflineStore(
    async (): Promise<AthenaOfflineStore> => {
      const [{ AthenaOfflineStore }, { createQueryClients }] = await Promise.all([
        import('../offline/athena/athena-offline-store.js'),
        import('../aws/query-clients.js'),
      ]);
      return new AthenaOfflineStore({ ...layout, s3: clients.s3, ...createQueryClients(sdk) });
    },
    {
      checkpoints: () => new S3CheckpointStore(clients.s3, layout.bucket, layout.prefix),
      assertDatasetOutput: (uri) => assertDatasetOutput(layout.bucket, layout.datasetsPrefix, uri),
    },
  );
  return {
    registryStore: new S3RegistryStore(clients.s3, aws.bucket, aws.registryKey),
    online: new DynamoDBOnlineStore({ client: clients.dynamodb, table: aws.table, writeConcurrency: aws.writeConcurrency }),
    tiles: new DynamoDBTileStore({ client: clients.dynamodb, table: aws.table }),
    offline,
    // Items are refused by DynamoDB above 400 KB: a view that cannot fit is refused at apply, not at every write.
    validateApply: (views) => assertViewsFitDynamoItem(views),
    // Glue tables follow the registry: `apply` creates / updates one per view version.
    onApply: async (views) => (await offline.engine()).ensureTables(views),
    importPart: async (view, file, asOf) => (await offline.engine()).importPart(view, file, asOf),
    // Batch transformations run where the CLI runs (DuckDB, loaded only then); importPart uploads their output.
    batchEngine: duckdbBatchEngine,
  };
}
