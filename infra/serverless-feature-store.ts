import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENTITY_TABLE_PREFIX, historyPrefix, lambdaEnvironment, REGISTRY_KEY, S3_PREFIX, stagingRoot, TILE_PK_PREFIX } from '../shared/layout/index.js';
import type { FeatureViewSpec } from '../shared/registry/types.js';
import { AlarmTopic } from './alarm-topic.js';
import { FeatureApi } from './api.js';
import { SkewlessFunction, type FunctionName } from './functions.js';
import { FreshnessMonitoring } from './monitoring.js';
import { MaterializationWorkflow } from './materialization-workflow.js';
import { OperatorPolicy } from './operator-policy.js';
import { StackOutputs } from './outputs.js';
import { ScheduledJobs } from './scheduled-jobs.js';
import { Storage } from './storage.js';
import { StreamIngest } from './stream-ingest.js';
import { TrainingWorkflow } from './training-workflow.js';
import { ConfigurationError } from '../shared/errors.js';

export interface ServerlessFeatureStoreProps {
  /** Project name (registry `project`). */
  readonly project: string;
  /** The feature repo's view versions (from its definitions): per-view schedules and alarms. */
  readonly views: FeatureViewSpec[];
  /** The repo's definitions module, bundled into the functions that run on-demand transformations. */
  readonly definitionsPath: string;
  /** Code hashes of the repo's on-demand transformations (from the source, as `apply` computes them). @default none */
  readonly codeHashes?: Record<string, string>;
  /** A Kinesis stream feeding the push function. @default true */
  readonly kinesis?: boolean;
  /** How long the Kinesis stream keeps records. @default 24 hours */
  readonly streamRetention?: Duration;
  /** An MSK cluster and topic feeding the push function. @default none */
  readonly msk?: { clusterArn: string; topic: string };
  /** Athena stops a query past this many scanned bytes. @default 100 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** Where alarms are emailed. @default no subscription */
  readonly alarmEmail?: string;
  /** Reserved concurrency per function (e.g. cap push to protect the table). @default none reserved */
  readonly reservedConcurrency?: Partial<Record<FunctionName, number>>;
  /** Conditional DynamoDB writes in flight per function (SKEWLESS_WRITE_CONCURRENCY; docs/performance.md). @default 16 */
  readonly writeConcurrency?: number;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * An existing data bucket (registry, offline Parquet, datasets, quarantine): used as it is, no
   * bucket is created (nor its access-log bucket; its lifecycle and logging stay the owner's). A
   * KMS-encrypted bucket is imported with its key (`Bucket.fromBucketAttributes({ encryptionKey })`):
   * every grant then includes the key. @default a new versioned, encrypted bucket
   */
  readonly bucket?: IBucket;
  /**
   * An existing online table (string keys `pk` / `sk`, TTL on `expires_at`): used as it is, no table is
   * created. Imported with its customer-managed key, grants include the key. @default a new on-demand table
   */
  readonly table?: ITable;
}

const { offline: OFFLINE, datasets: DATASETS, entities: ENTITIES } = S3_PREFIX;
const STAGING = stagingRoot(OFFLINE);

/**
 * skewless on AWS (docs/architecture.md, docs/aws-deployment.md): S3 (registry, offline Parquet, datasets), DynamoDB (online), Glue +
 * Athena (PIT joins), one Lambda per job, API Gateway with IAM auth, Kinesis / MSK push, EventBridge
 * schedules, a Step Functions training workflow, freshness alarms to SNS and a dashboard.
 *
 * Each concern is its own construct, built in order: storage → functions (+ grants) → triggers →
 * monitoring → outputs. A new concern (e.g. a materialization fan-out) is one more construct that
 * takes `storage` and `functions` and adds its own grants.
 */
export class ServerlessFeatureStore extends Construct {
  readonly storage: Storage;
  readonly bucket: IBucket;
  readonly table: ITable;
  readonly functions: Record<FunctionName, SkewlessFunction>;
  readonly api: FeatureApi;
  readonly workflow: TrainingWorkflow;
  readonly materialization: MaterializationWorkflow;
  readonly topic: Topic;
  readonly stream?: Stream;
  readonly ingest: StreamIngest;
  readonly schedules: ScheduledJobs;
  readonly monitoring: FreshnessMonitoring;
  readonly operatorPolicy: OperatorPolicy;
  readonly workgroupName: string;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: ServerlessFeatureStoreProps) {
    super(scope, id);
    ServerlessFeatureStore.validate(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.storage = new Storage(this, 'Storage', {
      project: props.project,
      removalPolicy,
      bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 100 * 2 ** 30,
      ...(props.bucket ? { bucket: props.bucket } : {}),
      ...(props.table ? { table: props.table } : {}),
    });
    ({ bucket: this.bucket, table: this.table, databaseName: this.databaseName, workgroupName: this.workgroupName } = this.storage);

    const environment = lambdaEnvironment({
      project: props.project,
      bucket: this.bucket.bucketName,
      table: this.table.tableName,
      glueDatabase: this.databaseName,
      athenaWorkgroup: this.workgroupName,
      registryCacheSeconds: 30,
      ...(props.codeHashes ? { codeHashes: props.codeHashes } : {}),
      ...(props.writeConcurrency !== undefined ? { writeConcurrency: props.writeConcurrency } : {}),
    });
    const fn = (name: FunctionName, extra: { memorySize?: number; timeout?: Duration } = {}) => {
      const reserved = props.reservedConcurrency?.[name];
      return new SkewlessFunction(this, name, {
        name,
        definitionsPath: props.definitionsPath,
        environment,
        ...extra,
        ...(reserved !== undefined ? { reservedConcurrentExecutions: reserved } : {}),
      });
    };
    this.functions = {
      push: fn('push'),
      'online-lookup': fn('online-lookup', { memorySize: 1024, timeout: Duration.seconds(10) }),
      materialize: fn('materialize', { memorySize: 2048, timeout: Duration.minutes(15) }),
      'historical-prepare': fn('historical-prepare', { memorySize: 1024, timeout: Duration.minutes(5) }),
      'historical-finalize': fn('historical-finalize', { timeout: Duration.minutes(2) }),
      'freshness-check': fn('freshness-check'),
    };
    this.grantFunctions();

    this.api = new FeatureApi(this, 'Api', { onlineLookup: this.functions['online-lookup'], push: this.functions.push });
    this.ingest = new StreamIngest(this, 'Ingest', {
      push: this.functions.push,
      bucket: this.bucket,
      ...(props.kinesis !== undefined ? { kinesis: props.kinesis } : {}),
      ...(props.streamRetention ? { streamRetention: props.streamRetention } : {}),
      ...(props.msk ? { msk: props.msk } : {}),
    });
    if (this.ingest.stream) this.stream = this.ingest.stream;
    this.schedules = new ScheduledJobs(this, 'Schedules', {
      views: props.views,
      materialize: this.functions.materialize,
      freshnessCheck: this.functions['freshness-check'],
    });
    this.materialization = new MaterializationWorkflow(this, 'Materialization', {
      worker: this.functions.materialize,
      bucket: this.bucket,
      offlinePrefix: OFFLINE,
      views: props.views,
      deadLetterQueue: this.schedules.failures,
    });
    this.workflow = new TrainingWorkflow(this, 'Training', {
      prepare: this.functions['historical-prepare'],
      finalize: this.functions['historical-finalize'],
      workgroup: this.workgroupName,
      database: this.databaseName,
      bucket: this.bucket,
      offlinePrefix: OFFLINE,
      datasetsPrefix: DATASETS,
    });

    this.topic = new AlarmTopic(this, 'Alarms', { removalPolicy, ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}) }).topic;
    this.monitoring = new FreshnessMonitoring(this, 'Freshness', {
      views: props.views,
      topic: this.topic,
      functions: Object.values(this.functions),
      serviceName: 'skewless-freshness-check',
    });

    this.operatorPolicy = new OperatorPolicy(this, 'Operator', {
      description: `skewless apply for ${Stack.of(this).stackName}: registry object and the Glue tables of database ${this.databaseName}`,
      grant: (policy) => this.grantApply(policy),
    });
    new StackOutputs(this, 'Outputs', {
      Project: props.project,
      Bucket: this.bucket.bucketName,
      RegistryKey: REGISTRY_KEY,
      Table: this.table.tableName,
      GlueDatabase: this.databaseName,
      AthenaWorkgroup: this.workgroupName,
      TrainingStateMachineArn: this.workflow.stateMachine.stateMachineArn,
      ApiUrl: this.api.api.url,
      AlarmTopicArn: this.topic.topicArn,
      ApplyPolicyArn: this.operatorPolicy.policy.managedPolicyArn,
      ...(this.stream ? { PushStreamName: this.stream.streamName } : {}),
    });
  }

  private static validate(props: ServerlessFeatureStoreProps): void {
    const errors: string[] = [];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(props.project)) errors.push(`project '${props.project}' must be letters, digits and _`);
    if (!props.views.length) errors.push('views: the feature repo defines no feature view');
    if (props.bytesScannedCutoffPerQuery !== undefined && props.bytesScannedCutoffPerQuery < 10 * 2 ** 20)
      errors.push('bytesScannedCutoffPerQuery must be at least 10 MB (Athena minimum)');
    for (const [name, n] of Object.entries(props.reservedConcurrency ?? {}))
      if (!Number.isInteger(n) || n! < 1) errors.push(`reservedConcurrency.${name} must be a positive integer`);
    if (errors.length) throw new ConfigurationError(`ServerlessFeatureStore: ${errors.join('; ')}`, { construct: 'ServerlessFeatureStore', errors });
  }

  // ---- Grants: what a principal may do with the store, each on the narrowest resource. The stack's
  // own functions get theirs through the same methods; an inference service or a CI role calls them too.

  /**
   * Read the registry object; ListBucket on exactly its key, because S3 answers a GET of a missing
   * key with 403 unless the caller may list it: a stack not applied yet reads as 404, not AccessDenied.
   */
  grantRegistryRead(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:GetObject'], [REGISTRY_KEY]).combine(this.grantList(grantee, { StringEquals: { 's3:prefix': [REGISTRY_KEY] } }));
  }

  /** Rewrite the registry object (conditional PUT): apply, materialization intervals, finished datasets. */
  grantRegistryWrite(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:PutObject'], [REGISTRY_KEY]);
  }

  /** Read online rows directly from the table (what the online-lookup function does). */
  grantOnlineRead(grantee: IGrantable): Grant {
    return this.grantTable(grantee, 'dynamodb:BatchGetItem');
  }

  /** Write online rows directly (newer-wins conditional writes: PutItem / UpdateItem). */
  grantOnlineWrite(grantee: IGrantable): Grant {
    return this.grantTable(grantee, 'dynamodb:PutItem', 'dynamodb:UpdateItem');
  }

  /** Read the offline Parquet of every view version (objects and listing under the offline prefix). */
  grantOfflineRead(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:GetObject'], [`${OFFLINE}/*`]).combine(this.grantList(grantee, { StringLike: { 's3:prefix': [`${OFFLINE}/*`] } }));
  }

  /** Append offline Parquet parts (offline pushes). */
  grantOfflineWrite(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:PutObject'], [`${OFFLINE}/*`]);
  }

  /** Call POST /get-online-features of the API (IAM-authorized, SigV4). */
  grantGetOnlineFeatures(grantee: IGrantable): Grant {
    return this.grantInvoke(grantee, '/get-online-features');
  }

  /** Push rows: POST /push of the API and, when the stack has one, records into the push stream. */
  grantPush(grantee: IGrantable): Grant {
    const api = this.grantInvoke(grantee, '/push');
    return this.stream ? api.combine(this.stream.grantWrite(grantee)) : api;
  }

  /**
   * Build training datasets: start the training workflow, put entity files under entities/ (entity_uri)
   * and read the finished datasets.
   */
  grantTrainingDatasets(grantee: IGrantable): Grant {
    return this.workflow.stateMachine
      .grantStartExecution(grantee)
      .combine(this.grantObjects(grantee, ['s3:PutObject'], [`${ENTITIES}/*`]))
      .combine(this.grantObjects(grantee, ['s3:GetObject'], [`${DATASETS}/*`]));
  }

  /** What `skewless apply` needs: read and rewrite the registry, own the project's Glue tables (one per view version). */
  grantApply(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:GetObject', 's3:PutObject'], [REGISTRY_KEY])
      .combine(this.grantList(grantee, { StringEquals: { 's3:prefix': [REGISTRY_KEY] } }))
      .combine(this.grantGlue(grantee, ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'], '*'));
  }

  /** Lookups of aggregation views: Query on the online table, only in tile partitions (docs/aggregations-online.md). */
  /** Adds records to a monitoring history (`freshness` checks, skew `audits`) under monitoring/ of the data bucket. */
  grantMonitoringWrite(grantee: IGrantable, kind: 'freshness' | 'audits'): Grant {
    return this.grantObjects(grantee, ['s3:PutObject'], [`${historyPrefix(kind)}*`]);
  }

  /** Reads a monitoring history (what `skewless ui` charts). */
  grantMonitoringRead(grantee: IGrantable, kind: 'freshness' | 'audits'): Grant {
    return this.grantObjects(grantee, ['s3:GetObject'], [`${historyPrefix(kind)}*`]).combine(
      this.grantList(grantee, { StringLike: { 's3:prefix': [`${historyPrefix(kind)}*`] } }),
    );
  }

  grantTilesRead(grantee: IGrantable): Grant {
    return this.grantTiles(grantee, 'dynamodb:Query');
  }

  /** Pushes and backfills of aggregation views: conditional puts of events and tiles, and the Query that rebuilds a tile, only in tile partitions. */
  grantTilesWrite(grantee: IGrantable): Grant {
    return this.grantTiles(grantee, 'dynamodb:PutItem', 'dynamodb:Query');
  }

  private grantTiles(grantee: IGrantable, ...actions: string[]): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${TILE_PK_PREFIX}*`] } },
    });
    const key = this.table.encryptionKey;
    return key ? grant.combine(ServerlessFeatureStore.grantKey(key, grantee, actions.includes('dynamodb:PutItem'))) : grant;
  }

  /** Least privilege: each function gets exactly the actions its job needs, through the grants above. */
  private grantFunctions(): void {
    const f = this.functions;
    for (const fn of Object.values(f)) this.grantRegistryRead(fn);

    this.grantOnlineRead(f['online-lookup']);
    this.grantTilesRead(f['online-lookup']);

    this.grantOnlineWrite(f.push);
    this.grantTilesWrite(f.push);
    this.grantOfflineWrite(f.push);

    this.grantOnlineWrite(f.materialize);
    // Backfills of aggregation views run inside materialization runs.
    this.grantTilesWrite(f.materialize);
    this.grantOfflineRead(f.materialize);
    // Materialization records its interval in the registry.
    this.grantRegistryWrite(f.materialize);
    // Each chunk is reduced to the latest row per key by an Athena UNLOAD under offline/_staging/ (run with this role), read back and deleted.
    this.grantAthenaQuery(f.materialize);
    this.grantGlue(f.materialize, ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'], '*');
    this.grantObjects(
      f.materialize,
      ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      [`${STAGING}*`, `${S3_PREFIX.athenaResults}/*`],
    );
    Grant.addToPrincipal({ grantee: f.materialize, actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], resourceArns: [this.bucket.bucketArn] });

    this.grantObjects(f['historical-prepare'], ['s3:PutObject'], [`${STAGING}*`]);
    // Entity files of training requests (entity_uri) are read from entities/ of the data bucket.
    this.grantObjects(f['historical-prepare'], ['s3:GetObject'], [`${ENTITIES}/*`]);
    this.grantGlue(f['historical-prepare'], ['glue:CreateTable', 'glue:GetDatabase'], `${ENTITY_TABLE_PREFIX}*`);

    this.grantGlue(f['historical-finalize'], ['glue:DeleteTable'], `${ENTITY_TABLE_PREFIX}*`);
    // Registers the finished dataset in the registry.
    this.grantRegistryWrite(f['historical-finalize']);
    this.grantObjects(f['historical-finalize'], ['s3:DeleteObject'], [`${STAGING}*`]);
    this.grantObjects(f['historical-finalize'], ['s3:GetObject'], [`${DATASETS}/*`]);
    this.grantList(f['historical-finalize'], { StringLike: { 's3:prefix': [`${STAGING}*`, `${DATASETS}/*`] } });

    this.grantTable(f['freshness-check'], 'dynamodb:Query');
    this.grantMonitoringWrite(f['freshness-check'], 'freshness');
  }

  /**
   * Object actions on key patterns of the data bucket, plus its KMS key when it has one. Not
   * `bucket.grantRead/grantPut`: those add `s3:GetBucket*`, `s3:List*` on the whole bucket or the
   * `Put*`/`Abort*` families, more than any function here needs.
   */
  private grantObjects(grantee: IGrantable, actions: string[], keyPatterns: string[]): Grant {
    const grant = Grant.addToPrincipal({ grantee, actions, resourceArns: keyPatterns.map((k) => this.bucket.arnForObjects(k)) });
    const key = this.bucket.encryptionKey;
    if (!key) return grant;
    return grant.combine(
      ServerlessFeatureStore.grantKey(
        key,
        grantee,
        actions.some((a) => a !== 's3:GetObject'),
      ),
    );
  }

  /** execute-api:Invoke on one POST route of the deployed stage. */
  private grantInvoke(grantee: IGrantable, path: string): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: [this.api.api.arnForExecuteApi('POST', path, this.api.api.deploymentStage.stageName)],
    });
  }

  /** ListBucket on the data bucket, always narrowed by an `s3:prefix` condition. */
  private grantList(grantee: IGrantable, conditions: Record<string, Record<string, string[]>>): Grant {
    return Grant.addToPrincipal({ grantee, actions: ['s3:ListBucket'], resourceArns: [this.bucket.bucketArn], conditions });
  }

  /** The online table's own grant (table and its key), with exactly these actions. */
  private grantTable(grantee: IGrantable, ...actions: string[]): Grant {
    const grant = this.table.grant(grantee, ...actions);
    const key = this.table.encryptionKey;
    if (!key) return grant;
    return grant.combine(
      ServerlessFeatureStore.grantKey(
        key,
        grantee,
        actions.some((a) => /Put|Update|Delete|Write/.test(a)),
      ),
    );
  }

  /**
   * The customer-managed key of an existing bucket or table: Decrypt to read; to write also Encrypt and
   * GenerateDataKey. Named actions, not `grantEncryptDecrypt` (its `ReEncrypt*` / `GenerateDataKey*`
   * wildcards are more than a writer needs).
   */
  private static grantKey(key: IKey, grantee: IGrantable, writes: boolean): Grant {
    return writes ? key.grant(grantee, 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey') : key.grant(grantee, 'kms:Decrypt');
  }

  /** Queries in the project's Athena workgroup over the default data catalog. */
  private grantAthenaQuery(grantee: IGrantable): Grant {
    const stack = Stack.of(this);
    return Grant.addToPrincipal({
      grantee,
      actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution'],
      resourceArns: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workgroupName })],
    }).combine(
      Grant.addToPrincipal({
        grantee,
        actions: ['athena:GetDataCatalog'],
        resourceArns: [stack.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: 'AwsDataCatalog' })],
      }),
    );
  }

  /** Glue actions on the catalog, the project database and its tables matching `tables`. */
  private grantGlue(grantee: IGrantable, actions: string[], tables: string): Grant {
    const stack = Stack.of(this);
    return Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${tables}` }),
      ],
    });
  }
}
