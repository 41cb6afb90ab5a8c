import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FeatureViewSpec } from '../shared/registry/types.js';
import { AlarmTopic } from './alarm-topic.js';
import { FeatureApi } from './api.js';
import { SkewlessFunction, type FunctionName } from './functions.js';
import { FreshnessMonitoring } from './monitoring.js';
import { MaterializationWorkflow } from './materialization-workflow.js';
import { OperatorPolicy } from './operator-policy.js';
import { StackOutputs } from './outputs.js';
import { ScheduledJobs } from './scheduled-jobs.js';
import { ATHENA_RESULTS, DATASETS, OFFLINE, REGISTRY_KEY, Storage } from './storage.js';
import { StreamIngest } from './stream-ingest.js';
import { TrainingWorkflow } from './training-workflow.js';

export interface FeatureStoreProps {
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
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

// Entity files of training requests (entity_uri) are read from here.
const ENTITIES = 'entities';

/**
 * skewless on AWS (docs/architecture.md, docs/aws-deployment.md): S3 (registry, offline Parquet, datasets), DynamoDB (online), Glue +
 * Athena (PIT joins), one Lambda per job, API Gateway with IAM auth, Kinesis / MSK push, EventBridge
 * schedules, a Step Functions training workflow, freshness alarms to SNS and a dashboard.
 *
 * Each concern is its own construct, built in order: storage → functions (+ grants) → triggers →
 * monitoring → outputs. A new concern (e.g. a materialization fan-out) is one more construct that
 * takes `storage` and `functions` and adds its own grants.
 */
export class FeatureStore extends Construct {
  readonly storage: Storage;
  readonly bucket: Bucket;
  readonly table: Table;
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

  constructor(scope: Construct, id: string, props: FeatureStoreProps) {
    super(scope, id);
    FeatureStore.validate(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.storage = new Storage(this, 'Storage', { project: props.project, removalPolicy, bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 100 * 2 ** 30 });
    ({ bucket: this.bucket, table: this.table, databaseName: this.databaseName, workgroupName: this.workgroupName } = this.storage);

    const environment = { SKEWLESS_PROJECT: props.project, SKEWLESS_BUCKET: this.bucket.bucketName, SKEWLESS_TABLE: this.table.tableName, SKEWLESS_GLUE_DATABASE: this.databaseName, SKEWLESS_ATHENA_WORKGROUP: this.workgroupName, SKEWLESS_REGISTRY_CACHE_SECONDS: '30', ...(props.codeHashes && Object.keys(props.codeHashes).length ? { SKEWLESS_CODE_HASHES: JSON.stringify(props.codeHashes) } : {}) };
    const fn = (name: FunctionName, extra: { memorySize?: number; timeout?: Duration } = {}) => {
      const reserved = props.reservedConcurrency?.[name];
      return new SkewlessFunction(this, name, { name, definitionsPath: props.definitionsPath, environment, ...extra, ...(reserved !== undefined ? { reservedConcurrentExecutions: reserved } : {}) });
    };
    this.functions = {
      push: fn('push'),
      'online-lookup': fn('online-lookup', { memorySize: 1024, timeout: Duration.seconds(10) }),
      materialize: fn('materialize', { memorySize: 2048, timeout: Duration.minutes(15) }),
      'historical-prepare': fn('historical-prepare', { memorySize: 1024, timeout: Duration.minutes(5) }),
      'historical-finalize': fn('historical-finalize', { timeout: Duration.minutes(2) }),
      'freshness-check': fn('freshness-check'),
    };
    this.grant(Stack.of(this));

    this.api = new FeatureApi(this, 'Api', { onlineLookup: this.functions['online-lookup'], push: this.functions.push });
    this.ingest = new StreamIngest(this, 'Ingest', { push: this.functions.push, bucket: this.bucket, ...(props.kinesis !== undefined ? { kinesis: props.kinesis } : {}), ...(props.streamRetention ? { streamRetention: props.streamRetention } : {}), ...(props.msk ? { msk: props.msk } : {}) });
    if (this.ingest.stream) this.stream = this.ingest.stream;
    this.schedules = new ScheduledJobs(this, 'Schedules', { views: props.views, materialize: this.functions.materialize, freshnessCheck: this.functions['freshness-check'] });
    this.materialization = new MaterializationWorkflow(this, 'Materialization', { worker: this.functions.materialize, bucket: this.bucket, offlinePrefix: OFFLINE, views: props.views, deadLetterQueue: this.schedules.failures });
    this.workflow = new TrainingWorkflow(this, 'Training', { prepare: this.functions['historical-prepare'], finalize: this.functions['historical-finalize'], workgroup: this.workgroupName, database: this.databaseName, bucket: this.bucket, offlinePrefix: OFFLINE, datasetsPrefix: DATASETS });

    this.topic = new AlarmTopic(this, 'Alarms', { removalPolicy, ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}) }).topic;
    this.monitoring = new FreshnessMonitoring(this, 'Freshness', { views: props.views, topic: this.topic, functions: Object.values(this.functions), serviceName: 'skewless-freshness-check' });

    this.operatorPolicy = new OperatorPolicy(this, 'Operator', { bucket: this.bucket, registryKey: REGISTRY_KEY, database: this.databaseName });
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

  private static validate(props: FeatureStoreProps): void {
    const errors: string[] = [];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(props.project)) errors.push(`project '${props.project}' must be letters, digits and _`);
    if (!props.views.length) errors.push('views: the feature repo defines no feature view');
    if (props.bytesScannedCutoffPerQuery !== undefined && props.bytesScannedCutoffPerQuery < 10 * 2 ** 20) errors.push('bytesScannedCutoffPerQuery must be at least 10 MB (Athena minimum)');
    for (const [name, n] of Object.entries(props.reservedConcurrency ?? {})) if (!Number.isInteger(n) || n! < 1) errors.push(`reservedConcurrency.${name} must be a positive integer`);
    if (errors.length) throw new Error(`FeatureStore: ${errors.join('; ')}`);
  }

  /** Least privilege: each function gets exactly the actions its job needs, on the narrowest resource. */
  private grant(stack: Stack): void {
    const f = this.functions;
    const registry = this.bucket.arnForObjects(REGISTRY_KEY);
    const readRegistry = new PolicyStatement({ actions: ['s3:GetObject'], resources: [registry] });
    // S3 answers a GET of a missing key with 403 unless the caller may list it: with ListBucket on
    // exactly the registry key, a stack not yet applied reads as "no registry" (404), not AccessDenied.
    const listRegistry = new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringEquals: { 's3:prefix': [REGISTRY_KEY] } } });
    for (const fn of Object.values(f)) {
      fn.addToRolePolicy(readRegistry);
      fn.addToRolePolicy(listRegistry);
    }
    const glueArns = (tables: string) => [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
      stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${tables}` }),
    ];
    const tableArn = this.table.tableArn;
    const write = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

    f['online-lookup'].addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:BatchGetItem'], resources: [tableArn] }));

    f.push.addToRolePolicy(new PolicyStatement({ actions: write, resources: [tableArn] }));
    f.push.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${OFFLINE}/*`)] }));

    f.materialize.addToRolePolicy(new PolicyStatement({ actions: write, resources: [tableArn] }));
    f.materialize.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${OFFLINE}/*`)] }));
    f.materialize.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${OFFLINE}/*`] } } }));
    // Materialization records its interval in the registry (conditional PUT on the one object).
    f.materialize.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [registry] }));
    // Each chunk is reduced to the latest row per key by an Athena UNLOAD under offline/_staging/ (run with this role), read back and deleted.
    f.materialize.addToRolePolicy(new PolicyStatement({ actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution'], resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workgroupName })] }));
    f.materialize.addToRolePolicy(new PolicyStatement({ actions: ['athena:GetDataCatalog'], resources: [stack.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: 'AwsDataCatalog' })] }));
    f.materialize.addToRolePolicy(new PolicyStatement({ actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'], resources: glueArns('*') }));
    f.materialize.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'], resources: [this.bucket.arnForObjects(`${OFFLINE}/_staging/*`), this.bucket.arnForObjects(`${ATHENA_RESULTS}/*`)] }));
    f.materialize.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], resources: [this.bucket.bucketArn] }));

    f['historical-prepare'].addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${OFFLINE}/_staging/*`)] }));
    // Entity files of training requests (entity_uri) are read from entities/ of the data bucket.
    f['historical-prepare'].addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${ENTITIES}/*`)] }));
    f['historical-prepare'].addToRolePolicy(new PolicyStatement({ actions: ['glue:CreateTable', 'glue:GetDatabase'], resources: glueArns('skewless_entity_*') }));

    f['historical-finalize'].addToRolePolicy(new PolicyStatement({ actions: ['glue:DeleteTable'], resources: glueArns('skewless_entity_*') }));
    // Registers the finished dataset in the registry (conditional PUT on the one object).
    f['historical-finalize'].addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [registry] }));
    f['historical-finalize'].addToRolePolicy(new PolicyStatement({ actions: ['s3:DeleteObject'], resources: [this.bucket.arnForObjects(`${OFFLINE}/_staging/*`)] }));
    f['historical-finalize'].addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects(`${DATASETS}/*`)] }));
    f['historical-finalize'].addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn], conditions: { StringLike: { 's3:prefix': [`${OFFLINE}/_staging/*`, `${DATASETS}/*`] } } }));

    f['freshness-check'].addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [tableArn] }));
  }
}
