import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { AttributeType, BillingMode, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnDatabase } from 'aws-cdk-lib/aws-glue';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { athenaResultsLocation, projectNames, S3_PREFIX, stagingRoot } from '../shared/layout/index.js';

export interface StorageProps {
  readonly project: string;
  readonly removalPolicy: RemovalPolicy;
  readonly bytesScannedCutoffPerQuery: number;
  /** How long replaced object versions (registry rewrites, re-staged rows, old results) are kept. @default 30 days */
  readonly noncurrentVersionRetention?: Duration;
  /** An existing data bucket, used instead of creating one (and its access-log bucket). */
  readonly bucket?: IBucket;
  /** An existing online table, used instead of creating one. */
  readonly table?: ITable;
}

/**
 * The stores: one versioned data bucket (registry, offline Parquet, datasets, quarantine), the
 * online table, the Glue database and the Athena workgroup. Glue *tables* are not created here:
 * `skewless apply` owns every table (one per view version, created or updated on each apply), so a
 * version added after deploy and the next `cdk deploy` never both claim the same table.
 */
export class Storage extends Construct {
  readonly bucket: IBucket;
  readonly table: ITable;
  readonly databaseName: string;
  readonly workgroupName: string;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    // Resources are created in the parent's scope so their logical IDs stay what they were before
    // this construct existed: a new logical ID for a retained bucket or table would orphan the old one.
    const { removalPolicy } = props;
    this.bucket = props.bucket ?? Storage.createBucket(scope, props);
    this.table = props.table ?? Storage.createTable(scope, removalPolicy);
    const names = projectNames(props.project);
    this.databaseName = names.database;
    this.workgroupName = names.workgroup;
    new CfnDatabase(scope, 'Database', {
      catalogId: Stack.of(this).account,
      databaseInput: { name: this.databaseName, description: `skewless offline store of ${props.project} (tables are created by skewless apply)` },
    });
    new CfnWorkGroup(scope, 'Workgroup', {
      name: this.workgroupName,
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        // Pinned: the PIT SQL and UNLOAD forms are written and parsed for Trino (engine v3).
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        resultConfiguration: { outputLocation: athenaResultsLocation(this.bucket.bucketName), encryptionConfiguration: { encryptionOption: 'SSE_S3' } },
      },
    });
  }

  /** The data bucket and its access-log bucket, in the parent's scope (logical ids as before this construct). */
  private static createBucket(scope: Construct, props: StorageProps): Bucket {
    const { removalPolicy } = props;
    const accessLogs = new Bucket(scope, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy,
      lifecycleRules: [{ expiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    return new Bucket(scope, 'Data', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Versioning protects the registry from a bad write; old versions expire so every rewrite,
      // staged entity file and query result is not kept (and billed) forever.
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'data/',
      removalPolicy,
      lifecycleRules: [
        {
          id: 'expire-replaced-versions',
          noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
        { id: 'staged-entity-rows', prefix: stagingRoot(S3_PREFIX.offline), expiration: Duration.days(1) },
        { id: 'athena-results', prefix: `${S3_PREFIX.athenaResults}/`, expiration: Duration.days(7) },
        // Freshness checks (every 5 minutes) and audit records: a quarter of history to chart.
        { id: 'monitoring-history', prefix: `${S3_PREFIX.monitoring}/`, expiration: Duration.days(90) },
      ],
    });
  }

  private static createTable(scope: Construct, removalPolicy: RemovalPolicy): Table {
    return new Table(scope, 'Online', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expires_at',
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
  }
}
