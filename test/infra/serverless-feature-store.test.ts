import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../../examples/feature_repo/definitions.js';
import { materializationPeriodMinutes } from '../../infra/schedules.js';
import { ServerlessFeatureStore } from '../../infra/serverless-feature-store.js';
import { SkewlessStack } from '../../infra/stack.js';
import { ConfigurationError } from '../../shared/errors.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import type { Definition } from '../../shared/registry/to-specs.js';

const specs = toRepoSpecs(Object.values(repo) as Definition[]);
const views = specs.featureViews;
const codeHashes = Object.fromEntries(specs.onDemandFeatureViews.map((o) => [o.name, o.codeHash]));

/** Synthesizes the stack without bundling (tests check the template; `cdk synth` bundles for real). */
function synth(env?: { account: string; region: string }) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SkewlessStack(app, 'Skewless', {
    project: 'skewless_demo',
    views,
    definitionsPath: 'examples/feature_repo/definitions.ts',
    codeHashes,
    ...(env ? { env } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return { stack, template: Template.fromJSON(assembly.getStackByName('Skewless').template) };
}

/** The statements of the policy attached to one function's role. */
function statementsOf(t: Template, fn: string): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const roles = t.findResources('AWS::IAM::Role');
  const role = Object.keys(roles).find((id) => id.startsWith(`FeatureStore${fn.replace(/-/g, '')}ServiceRole`))!;
  const policies = t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: never[] } } }).Properties.PolicyDocument.Statement);
}
const actions = (s: { Action: string | string[] }[]) => s.flatMap((x) => (Array.isArray(x.Action) ? x.Action : [x.Action])).sort();

describe('Construct: ServerlessFeatureStore (CDK)', () => {
  let t: Template;
  beforeAll(() => ({ template: t } = synth({ account: '123456789012', region: 'eu-west-1' })));

  it('passes cdk-nag AwsSolutions with 0 unacknowledged findings, with and without an explicit environment', () => {
    // synth() throws on any unacknowledged finding; both variants must get through.
    expect(() => synth()).not.toThrow();
    expect(t).toBeDefined();
  });

  it('fails synth on findings that nobody acknowledged (the check is live)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Bare');
    new ServerlessFeatureStore(stack, 'FeatureStore', { project: 'p', views, definitionsPath: 'x.ts' });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5/);
  });

  it('creates an encrypted, versioned, TLS-only, private data bucket', () => {
    t.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'data/' }),
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('creates the online table: on demand, PITR, TTL on expires_at, pk/sk', () => {
    t.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });

  it('creates the Glue database (no tables: apply owns them) and an Athena workgroup (engine v3) with a scan cut-off', () => {
    t.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'skewless_demo' }) });
    t.resourceCountIs('AWS::Glue::Table', 0);
    t.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        BytesScannedCutoffPerQuery: 100 * 2 ** 30,
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } }),
      }),
    });
  });

  it('creates six Node.js 22 ARM64 functions with the store environment', () => {
    const fns = t.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs22.x', Architectures: ['arm64'] } });
    expect(
      Object.keys(fns)
        .map((id) => id.replace(/^FeatureStore/, '').replace(/[0-9A-F]{8}$/, ''))
        .sort(),
    ).toEqual(['freshnesscheck', 'historicalfinalize', 'historicalprepare', 'materialize', 'onlinelookup', 'push']);
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          SKEWLESS_PROJECT: 'skewless_demo',
          SKEWLESS_GLUE_DATABASE: 'skewless_demo',
          SKEWLESS_REGISTRY_CACHE_SECONDS: '30',
          SKEWLESS_CODE_HASHES: JSON.stringify({ user_engagement: repo.userEngagement.codeHash }),
        }),
      },
      TracingConfig: { Mode: 'Active' },
    });
  });

  it('serves POST /get-online-features and POST /push through API Gateway with IAM auth and body validation', () => {
    t.resourceCountIs('AWS::ApiGateway::Method', 2);
    t.hasResourceProperties('AWS::ApiGateway::Method', { HttpMethod: 'POST', AuthorizationType: 'AWS_IAM', RequestValidatorId: Match.anyValue() });
    t.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'get-online-features' });
    t.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: 'push' });
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.anyValue(),
      MethodSettings: [Match.objectLike({ LoggingLevel: 'INFO' })],
    });
  });

  it('feeds push from Kinesis with bisect, retries, partial batch responses and a dead-letter queue', () => {
    t.hasResourceProperties('AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS' } });
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  it('schedules materialization per batch view from its SLA, and the freshness check every 5 minutes', () => {
    expect(materializationPeriodMinutes(views.find((v) => v.name === 'user_activity_daily')!)).toBe(780);
    expect(materializationPeriodMinutes(views.find((v) => v.name === 'user_realtime')!)).toBeUndefined();
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(13 hours)',
      Targets: [
        Match.objectLike({
          InputTransformer: { InputPathsMap: { time: '$.time' }, InputTemplate: Match.stringLikeRegexp('"views":\\["user_activity_daily@v1"\\]') },
        }),
      ],
    });
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    // + the daily compaction of pushed parts (infra/materialization-workflow.ts).
    t.resourceCountIs('AWS::Events::Rule', 3);
  });

  it('runs training as prepare → Athena StartQueryExecution.sync → finalize, with retries and a Catch path', () => {
    const [sm] = Object.entries(t.findResources('AWS::StepFunctions::StateMachine'))
      .filter(([id]) => id.includes('Training'))
      .map(([, r]) => r) as { Properties: { DefinitionString: unknown } }[];
    const definition = JSON.stringify(sm.Properties.DefinitionString);
    expect(definition).toContain(':states:::athena:startQueryExecution.sync');
    for (const state of ['Prepare', 'RunUnload', 'Finalize', 'CleanupAfterFailure', 'TrainingDatasetFailed', 'DatasetReady'])
      expect(definition).toContain(`\\"${state}\\"`);
    expect(definition).toMatch(/Retry/);
    expect(definition).toMatch(/Catch/);
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });

  it('raises one freshness alarm per online view (plus the checker heartbeat) to an encrypted SNS topic, and builds a dashboard', () => {
    t.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FeatureAgeSeconds',
      Namespace: 'Skewless',
      Threshold: 93600,
      TreatMissingData: 'notBreaching',
      Dimensions: Match.arrayWith([{ Name: 'View', Value: 'user_activity_daily@v1' }]),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 300, Dimensions: Match.arrayWith([{ Name: 'View', Value: 'user_realtime@v1' }]) });
    // An aggregation view's age is the age of its newest event: a realtime SLA.
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 300, Dimensions: Match.arrayWith([{ Name: 'View', Value: 'user_activity@v1' }]) });
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  it('gives each function only what its job needs', () => {
    const nonLog = (fn: string) => actions(statementsOf(t, fn)).filter((a) => !a.startsWith('xray:'));
    // Every function may also ListBucket exactly the registry key (a missing registry is a 404, not a 403).
    // …and Query the tile partitions of aggregation views (grantTilesRead).
    expect(nonLog('online-lookup')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:Query', 's3:GetObject', 's3:ListBucket']);
    // push also reads its Kinesis stream and sends failed batches to its dead-letter queue (event source grants).
    expect(nonLog('push').filter((a) => !a.startsWith('kinesis:') && !a.startsWith('sqs:'))).toEqual([
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      's3:PutObject',
    ]);
    expect(nonLog('push').filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    // Scheduled functions send failed async invocations to the schedules' failure queue.
    for (const fn of ['freshness-check', 'materialize'])
      expect(nonLog(fn).filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    // The freshness checker also adds each run to monitoring/freshness/ (the history the UI charts).
    expect(nonLog('freshness-check').filter((a) => !a.startsWith('sqs:'))).toEqual(['dynamodb:Query', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    // …plus its checkpoints under offline/_materialize/ and compaction of pushed parts under offline/ (infra/materialization-workflow.ts).
    // …plus the Athena UNLOAD that reduces each chunk to the latest row per key (query in its workgroup, read the view tables, write and delete under offline/_staging/ and the result location).
    expect(nonLog('materialize').filter((a) => !a.startsWith('sqs:'))).toEqual([
      'athena:GetDataCatalog',
      'athena:GetQueryExecution',
      'athena:StartQueryExecution',
      'athena:StopQueryExecution',
      'dynamodb:PutItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'glue:GetDatabase',
      'glue:GetPartitions',
      'glue:GetTable',
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:DeleteObject',
      's3:DeleteObject',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:GetObject',
      's3:ListBucket',
      's3:ListBucket',
      's3:ListBucketMultipartUploads',
      's3:ListMultipartUploadParts',
      's3:PutObject',
      's3:PutObject',
      's3:PutObject',
      's3:PutObject',
    ]);
    const matS3 = statementsOf(t, 'materialize').filter((x) => String(x.Action).startsWith('s3:'));
    const unloadWrite = matS3.find((x) => Array.isArray(x.Action) && x.Action.includes('s3:PutObject'))!;
    expect(JSON.stringify(unloadWrite.Resource).match(/\/(offline\/_staging|athena-results)\/\*/g)).toEqual(['/offline/_staging/*', '/athena-results/*']);
    expect(JSON.stringify(matS3.find((x) => x.Action === 's3:PutObject')!.Resource)).toContain('/registry/registry.json');
    expect(matS3.filter((x) => x.Action === 's3:ListBucket').map((x) => x.Condition)).toEqual([
      { StringEquals: { 's3:prefix': ['registry/registry.json'] } },
      { StringLike: { 's3:prefix': ['offline/*'] } },
    ]);
    expect(nonLog('historical-prepare')).toEqual(['glue:CreateTable', 'glue:GetDatabase', 's3:GetObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(
      JSON.stringify(
        statementsOf(t, 'historical-prepare')
          .filter((s) => s.Action === 's3:GetObject')
          .map((s) => s.Resource),
      ),
    ).toContain('/entities/*');
    expect(nonLog('historical-finalize')).toEqual([
      'glue:DeleteTable',
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObject',
      's3:ListBucket',
      's3:ListBucket',
      's3:PutObject',
    ]);
    // push may write only under offline/ (and read only the registry object).
    const pushS3 = statementsOf(t, 'push').filter((s) => String(s.Action).startsWith('s3:'));
    expect(pushS3.filter((s) => s.Action === 's3:PutObject').map((s) => JSON.stringify(s.Resource).match(/\/(offline|quarantine)\/\*/)?.[1])).toEqual([
      'offline',
      'quarantine',
    ]);
    expect(JSON.stringify(pushS3.find((s) => s.Action === 's3:GetObject')!.Resource)).toContain('/registry/registry.json');
    // online-lookup may only read the table.
    const lookupDdb = statementsOf(t, 'online-lookup').find((s) => String(s.Action).startsWith('dynamodb'))!;
    expect(lookupDdb.Action).toBe('dynamodb:BatchGetItem');
    // The table's own grant (a list: it would add the indexes, the table has none): exactly the table.
    expect(JSON.stringify(lookupDdb.Resource)).toMatch(/^\[\{"Fn::GetAtt":\["FeatureStoreOnline[0-9A-F]+","Arn"\]\}\]$/);
  });

  it('lets the training workflow run Athena and invoke only its two functions', () => {
    const policies = t.findResources('AWS::IAM::Policy');
    const smPolicy = Object.entries(policies).find(([id]) => id.startsWith('FeatureStoreTrainingStateMachineRoleDefaultPolicy'))![1] as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
    };
    const statements = smPolicy.Properties.PolicyDocument.Statement;
    const all = statements.flatMap((x) => (Array.isArray(x.Action) ? x.Action : [x.Action]));
    expect(all).toEqual(
      expect.arrayContaining(['athena:startQueryExecution', 'athena:getQueryExecution', 'lambda:InvokeFunction', 's3:PutObject', 'glue:GetTable']),
    );
    // CDK's Athena task adds Glue catalog actions: they stay scoped to this project's database.
    const glue = statements.filter((x) => (Array.isArray(x.Action) ? x.Action : [x.Action]).some((a) => a.startsWith('glue:')));
    expect(JSON.stringify(glue.map((x) => x.Resource))).not.toMatch(/"\*"/);
    expect(JSON.stringify(glue.map((x) => x.Resource))).toMatch(/skewless_demo/);
    expect(all.filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    const invoke = statements.filter((x) => (Array.isArray(x.Action) ? x.Action : [x.Action]).includes('lambda:InvokeFunction'));
    expect(JSON.stringify(invoke)).toMatch(/historicalprepare/);
    expect(JSON.stringify(invoke)).toMatch(/historicalfinalize/);
    expect(JSON.stringify(invoke)).not.toMatch(/onlinelookup|FeatureStorepush/);
  });

  it('refuses bad props with one combined error', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SkewlessStack(app, 'Ok', { project: 'p', views, definitionsPath: 'x.ts' });
    expect(() => new ServerlessFeatureStore(stack, 'Bad', { project: 'bad-name', views: [], definitionsPath: 'x.ts', bytesScannedCutoffPerQuery: 1 })).toThrow(
      /ServerlessFeatureStore: project 'bad-name' must be letters, digits and _; views: the feature repo defines no feature view; bytesScannedCutoffPerQuery must be at least 10 MB/,
    );
    expect(() => new ServerlessFeatureStore(stack, 'Bad2', { project: 'bad-name', views, definitionsPath: 'x.ts' })).toThrow(ConfigurationError);
  });
});
