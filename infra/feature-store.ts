import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { CfnDatabase } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption } from 'aws-cdk-lib/aws-kinesis';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, ManagedKafkaEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FeatureViewSpec } from '../shared/registry/types.js';
import { FeatureApi } from './api.js';
import { SkewlessFunction, type FunctionName } from './functions.js';
import { viewTables } from './glue-tables.js';
import { FreshnessMonitoring } from './monitoring.js';
import { fansOut, MaterializationWorkflow } from './materialization-workflow.js';
import { materializationPeriodMinutes } from './schedules.js';
import { TrainingWorkflow } from './training-workflow.js';

export interface FeatureStoreProps {
  /** Project name (registry `project`). */
  readonly project: string;
  /** The feature repo's view versions (from its definitions): per-view tables, schedules and alarms. */
  readonly views: FeatureViewSpec[];
  /** The repo's definitions module, bundled into the functions that run on-demand transformations. */
  readonly definitionsPath: string;
  /** Code hashes of the repo's on-demand transformations (from the source, as `apply` computes them). @default none */
  readonly codeHashes?: Record<string, string>;
  /** A Kinesis stream feeding the push function. @default true */
  readonly kinesis?: boolean;
  /** An MSK cluster and topic feeding the push function. @default none */
  readonly msk?: { clusterArn: string; topic: string };
  /** Athena stops a query past this many scanned bytes. @default 100 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** Where freshness alarms are emailed. @default no subscription */
  readonly alarmEmail?: string;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

const REGISTRY_KEY = 'registry/registry.json';
const OFFLINE = 'offline';
const DATASETS = 'datasets';

/**
 * skewless on AWS (DESIGN §7): S3 (registry, offline Parquet, datasets), DynamoDB (online), Glue +
 * Athena (PIT joins), one Lambda per job, API Gateway with IAM auth, Kinesis / MSK push, EventBridge
 * schedules, a Step Functions training workflow, freshness alarms to SNS and a dashboard.
 */
export class FeatureStore extends Construct {
  readonly bucket: Bucket;
  readonly table: Table;
  readonly functions: Record<FunctionName, SkewlessFunction>;
  readonly api: FeatureApi;
  readonly workflow: TrainingWorkflow;
  readonly materialization: MaterializationWorkflow;
  readonly topic: Topic;
  readonly stream?: Stream;
  readonly monitoring: FreshnessMonitoring;
  readonly workgroupName: string;
  readonly databaseName: string;

  constructor(scope: Construct, id: string, props: FeatureStoreProps) {
    super(scope, id);
    FeatureStore.validate(props);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Storage
    const accessLogs = new Bucket(this, 'AccessLogs', { encryption: BucketEncryption.S3_MANAGED, enforceSSL: true, blockPublicAccess: BlockPublicAccess.BLOCK_ALL, objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED, removalPolicy, lifecycleRules: [{ expiration: Duration.days(90) }] });
    this.bucket = new Bucket(this, 'Data', { encryption: BucketEncryption.S3_MANAGED, enforceSSL: true, versioned: true, blockPublicAccess: BlockPublicAccess.BLOCK_ALL, serverAccessLogsBucket: accessLogs, serverAccessLogsPrefix: 'data/', removalPolicy, lifecycleRules: [{ prefix: `${OFFLINE}/_staging/`, expiration: Duration.days(1) }, { prefix: 'athena-results/', expiration: Duration.days(7) }] });
    this.table = new Table(this, 'Online', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expires_at',
      encryption: TableEncryption.AWS_MANAGED,
      removalPolicy,
    });
    this.databaseName = props.project.toLowerCase();
    const database = new CfnDatabase(this, 'Database', { catalogId: stack.account, databaseInput: { name: this.databaseName, description: `skewless offline store of ${props.project}` } });
    for (const t of viewTables(this, { catalogId: stack.account, database: this.databaseName, bucket: this.bucket.bucketName, prefix: OFFLINE, views: props.views })) t.node.addDependency(database);
    this.workgroupName = `skewless-${props.project}`.toLowerCase();
    new CfnWorkGroup(this, 'Workgroup', {
      name: this.workgroupName,
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 100 * 2 ** 30,
        resultConfiguration: { outputLocation: `s3://${this.bucket.bucketName}/athena-results/`, encryptionConfiguration: { encryptionOption: 'SSE_S3' } },
      },
    });

    // Functions
    const environment = { SKEWLESS_PROJECT: props.project, SKEWLESS_BUCKET: this.bucket.bucketName, SKEWLESS_TABLE: this.table.tableName, SKEWLESS_GLUE_DATABASE: this.databaseName, SKEWLESS_ATHENA_WORKGROUP: this.workgroupName, SKEWLESS_REGISTRY_CACHE_SECONDS: '30', ...(props.codeHashes && Object.keys(props.codeHashes).length ? { SKEWLESS_CODE_HASHES: JSON.stringify(props.codeHashes) } : {}) };
    const fn = (name: FunctionName, extra: { memorySize?: number; timeout?: Duration } = {}) => new SkewlessFunction(this, name, { name, definitionsPath: props.definitionsPath, environment, ...extra });
    this.functions = {
      push: fn('push'),
      'online-lookup': fn('online-lookup', { memorySize: 1024, timeout: Duration.seconds(10) }),
      materialize: fn('materialize', { memorySize: 2048, timeout: Duration.minutes(15) }),
      'historical-prepare': fn('historical-prepare', { memorySize: 1024, timeout: Duration.minutes(5) }),
      'historical-finalize': fn('historical-finalize', { timeout: Duration.minutes(2) }),
      'freshness-check': fn('freshness-check'),
    };
    this.grant(stack);

    // Triggers
    this.api = new FeatureApi(this, 'Api', { onlineLookup: this.functions['online-lookup'], push: this.functions.push });
    const dlq = new Queue(this, 'PushDeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const streamOptions = { batchSize: 500, maxBatchingWindow: Duration.seconds(1), bisectBatchOnError: true, retryAttempts: 3, reportBatchItemFailures: true, onFailure: new SqsDlq(dlq) };
    if (props.kinesis ?? true) {
      this.stream = new Stream(this, 'PushStream', { encryption: StreamEncryption.MANAGED, retentionPeriod: Duration.hours(24) });
      this.functions.push.addEventSource(new KinesisEventSource(this.stream, { ...streamOptions, startingPosition: StartingPosition.LATEST, parallelizationFactor: 2 }));
    }
    if (props.msk) {
      this.functions.push.addEventSource(new ManagedKafkaEventSource({ clusterArn: props.msk.clusterArn, topic: props.msk.topic, startingPosition: StartingPosition.LATEST, batchSize: 500, onFailure: new SqsDlq(dlq) }));
    }
    for (const view of props.views) {
      const minutes = materializationPeriodMinutes(view);
      if (minutes === undefined || view.status !== 'active' || fansOut(view)) continue;
      new Rule(this, `Materialize-${view.name}-v${view.version}`, {
        description: `materialize-incremental ${view.name}@v${view.version} every ${minutes} min (half its freshness SLA)`,
        schedule: Schedule.rate(Duration.minutes(minutes)),
        targets: [new LambdaFunction(this.functions.materialize, { event: RuleTargetInput.fromObject({ views: [`${view.name}@v${view.version}`], time: '<aws.events.event.time>' }), retryAttempts: 2 })],
      });
    }
    new Rule(this, 'FreshnessCheck', { description: 'freshness of every view, every 5 minutes', schedule: Schedule.rate(Duration.minutes(5)), targets: [new LambdaFunction(this.functions['freshness-check'])] });
    this.materialization = new MaterializationWorkflow(this, 'Materialization', { worker: this.functions.materialize, bucket: this.bucket, offlinePrefix: OFFLINE, views: props.views });
    this.workflow = new TrainingWorkflow(this, 'Training', { prepare: this.functions['historical-prepare'], finalize: this.functions['historical-finalize'], workgroup: this.workgroupName, database: this.databaseName, bucket: this.bucket, offlinePrefix: OFFLINE, datasetsPrefix: DATASETS });

    // Alarms
    this.topic = new Topic(this, 'Alarms', { displayName: 'skewless freshness', masterKey: Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns'), enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.monitoring = new FreshnessMonitoring(this, 'Freshness', { views: props.views, topic: this.topic, functions: Object.values(this.functions), serviceName: 'skewless-freshness-check' });
  }

  private static validate(props: FeatureStoreProps): void {
    const errors: string[] = [];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(props.project)) errors.push(`project '${props.project}' must be letters, digits and _`);
    if (!props.views.length) errors.push('views: the feature repo defines no feature view');
    if (props.bytesScannedCutoffPerQuery !== undefined && props.bytesScannedCutoffPerQuery < 10 * 2 ** 20) errors.push('bytesScannedCutoffPerQuery must be at least 10 MB (Athena minimum)');
    if (errors.length) throw new Error(`FeatureStore: ${errors.join('; ')}`);
  }

  /** Least privilege: each function gets exactly the actions its job needs, on the narrowest resource. */
  private grant(stack: Stack): void {
    const f = this.functions;
    const registry = this.bucket.arnForObjects(REGISTRY_KEY);
    const readRegistry = new PolicyStatement({ actions: ['s3:GetObject'], resources: [registry] });
    for (const fn of Object.values(f)) fn.addToRolePolicy(readRegistry);
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

    f['historical-prepare'].addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`${OFFLINE}/_staging/*`)] }));
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
