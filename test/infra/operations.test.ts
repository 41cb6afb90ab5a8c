import { Duration } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { justifiedFindings } from '../../infra/nag-suppressions.js';
import type { SkewlessStack } from '../../infra/stack.js';
import { allows } from './iam-eval.js';
import { resourcesOf, synthOne, synthStacks, synthWithStacks } from './synth.js';

const fnPrefixes = [
  'FeatureStorepush',
  'FeatureStoreonlinelookup',
  'FeatureStorematerialize',
  'FeatureStorehistoricalprepare',
  'FeatureStorehistoricalfinalize',
  'FeatureStorefreshnesscheck',
];
const dataBucketId = (t: Template) => resourcesOf(t, 'AWS::S3::Bucket').find(([, r]) => r.Properties.VersioningConfiguration)![0];

describe('Stack: operations (issue 9)', () => {
  let t: Template;
  let stack: SkewlessStack;
  beforeAll(() => {
    const r = synthWithStacks([{ id: 'Skewless', props: { msk: { clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/c/abc', topic: 'events' } } }]);
    t = r.templates.Skewless;
    stack = r.stacks.Skewless;
  });

  it('encrypts the alarm topic with a customer-managed key whose policy lets CloudWatch use it', () => {
    const [[topicId, topic]] = resourcesOf(t, 'AWS::SNS::Topic');
    const keyRef = JSON.stringify(topic.Properties.KmsMasterKeyId);
    expect(keyRef, `${topicId} uses ${keyRef}`).not.toMatch(/alias\/aws\/sns/);
    const keyId =
      (topic.Properties.KmsMasterKeyId as { 'Fn::GetAtt'?: string[]; Ref?: string })['Fn::GetAtt']?.[0] ??
      (topic.Properties.KmsMasterKeyId as { Ref: string }).Ref;
    const key = t.findResources('AWS::KMS::Key')[keyId];
    expect(key, 'the topic key is a KMS key of this stack').toBeDefined();
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const cw = (key.Properties.KeyPolicy.Statement as { Principal?: { Service?: string }; Action: string[]; Effect: string }[]).find(
      (s) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(cw?.Effect).toBe('Allow');
    expect(cw?.Action).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
  });

  it('creates no Glue table (apply owns them) and gives the operator a policy to create and update them', () => {
    t.resourceCountIs('AWS::Glue::Table', 0);
    t.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'skewless_demo' }) });
    const [[, policy]] = resourcesOf(t, 'AWS::IAM::ManagedPolicy');
    const glue = (policy.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[]).find((s) =>
      [].concat(s.Action as never).some((a: string) => a.startsWith('glue:')),
    )!;
    expect(glue.Action).toEqual(expect.arrayContaining(['glue:CreateTable', 'glue:UpdateTable', 'glue:GetTable']));
    expect(JSON.stringify(glue.Resource)).toContain('table/skewless_demo/*');
  });

  it('pages on M of N late freshness checks, not on one; missing view data is not breaching', () => {
    const stale = resourcesOf(t, 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === 'FeatureAgeSeconds');
    // One per view with an SLA: user_activity (aggregations, realtime), user_activity_daily, user_realtime.
    expect(stale.map(([, a]) => a.Properties.Dimensions[0].Value).sort()).toEqual(['user_activity@v1', 'user_activity_daily@v1', 'user_realtime@v1']);
    for (const [, a] of stale)
      expect(a.Properties).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching', Period: 300 });
  });

  it('has a heartbeat alarm that notifies when the freshness checker stops reporting, and stays silent at deploy', () => {
    const [[, hb]] = resourcesOf(t, 'AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === 'StaleFeatureViews');
    expect(hb.Properties).toMatchObject({
      Statistic: 'SampleCount',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 3,
      TreatMissingData: 'missing',
    });
    expect(JSON.stringify(hb.Properties.InsufficientDataActions)).toMatch(/FeatureStoreAlarms/);
    expect(hb.Properties.OKActions).toBeUndefined();
  });

  it('expires noncurrent object versions and aborts incomplete multipart uploads in the data bucket', () => {
    const [, bucket] = resourcesOf(t, 'AWS::S3::Bucket').find(([id]) => id === dataBucketId(t))!;
    const rules = bucket.Properties.LifecycleConfiguration.Rules as Record<string, any>[];
    const whole = rules.filter((r) => r.Prefix === undefined && r.Status === 'Enabled');
    expect(whole.some((r) => r.NoncurrentVersionExpiration?.NoncurrentDays > 0)).toBe(true);
    expect(whole.some((r) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation > 0)).toBe(true);
  });

  it('outputs everything an operator needs', () => {
    expect(Object.keys(t.toJSON().Outputs)).toEqual(
      expect.arrayContaining([
        'Region',
        'Project',
        'Bucket',
        'RegistryKey',
        'Table',
        'GlueDatabase',
        'AthenaWorkgroup',
        'TrainingStateMachineArn',
        'PushStreamName',
        'ApiUrl',
        'AlarmTopicArn',
        'ApplyPolicyArn',
      ]),
    );
    expect(t.toJSON().Outputs.GlueDatabase.Value).toBe('skewless_demo');
    expect(t.toJSON().Outputs.AthenaWorkgroup.Value).toBe('skewless-skewless_demo');
  });

  it('lets every function read a missing registry as 404 (ListBucket on exactly the registry key), not AccessDenied', () => {
    const bucket = `arn:aws:s3:::${dataBucketId(t)}`;
    for (const fn of fnPrefixes) {
      expect(allows(t, `${fn}ServiceRole`, { action: 's3:GetObject', resource: `${bucket}/registry/registry.json` }), `${fn} GetObject registry`).toBe(true);
      expect(
        allows(t, `${fn}ServiceRole`, { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': 'registry/registry.json' } }),
        `${fn} ListBucket registry key`,
      ).toBe(true);
      expect(
        allows(t, `${fn}ServiceRole`, { action: 's3:ListBucket', resource: bucket, context: { 's3:prefix': 'datasets/' } }) &&
          fn !== 'FeatureStorehistoricalfinalize',
        `${fn} may not list other prefixes`,
      ).toBe(false);
    }
  });

  it('names, in the acknowledgement of Resource "*", every action the stack grants on "*"', () => {
    const onStar = new Set<string>();
    for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'])
      for (const [, p] of resourcesOf(t, type))
        for (const st of p.Properties.PolicyDocument.Statement)
          if ([].concat(st.Resource).includes('*' as never)) for (const a of [].concat(st.Action)) onStar.add(a);
    const reason = justifiedFindings(stack, stack.featureStore).find((f) => f.id === 'AwsSolutions-IAM5[Resource::*]')?.reason ?? '';
    const unnamed = [...onStar].filter((a) => {
      const [svc, name] = a.split(':');
      return !reason.includes(`${svc}:`) || !reason.includes(name);
    });
    expect(unnamed).toEqual([]);
  });

  it('grants no S3 action on "*" to any function role', () => {
    for (const fn of fnPrefixes) {
      expect(allows(t, `${fn}ServiceRole`, { action: 's3:GetObject', resource: 'arn:aws:s3:::some-other-bucket/x' }), fn).toBe(false);
      expect(allows(t, `${fn}ServiceRole`, { action: 's3:PutObject', resource: `arn:aws:s3:::${dataBucketId(t)}/registry/other.json` }), fn).toBe(false);
    }
  });

  it('sends failed EventBridge deliveries and failed async invocations of scheduled functions to a queue', () => {
    for (const [id, rule] of resourcesOf(t, 'AWS::Events::Rule'))
      for (const target of rule.Properties.Targets)
        expect(target, id).toMatchObject({ DeadLetterConfig: { Arn: expect.anything() }, RetryPolicy: { MaximumRetryAttempts: 2 } });
    const configs = resourcesOf(t, 'AWS::Lambda::EventInvokeConfig');
    expect(
      configs
        .map(([, c]) => JSON.stringify(c.Properties.FunctionName))
        .sort()
        .join(),
    ).toMatch(/freshnesscheck.*materialize/);
    for (const [, c] of configs) expect(c.Properties.DestinationConfig.OnFailure.Destination).toBeDefined();
  });

  it('feeds push from MSK with partial batch responses, bounded retries, bisection and an on-failure destination', () => {
    const msk = resourcesOf(t, 'AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.Topics)![1];
    expect(msk.Properties).toMatchObject({
      Topics: ['events'],
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 3,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      ProvisionedPollerConfig: expect.anything(),
    });
  });

  it('runs the Kinesis stream on demand with its retention configurable, and lets push quarantine invalid records', () => {
    t.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' }, RetentionPeriodHours: 24 });
    synthOne({ streamRetention: Duration.days(7) }).hasResourceProperties('AWS::Kinesis::Stream', { RetentionPeriodHours: 168 });
    expect(allows(t, 'FeatureStorepushServiceRole', { action: 's3:PutObject', resource: `arn:aws:s3:::${dataBucketId(t)}/quarantine/2026-11-01/x.json` })).toBe(
      true,
    );
  });

  it('tells every function its own timeout, so its AWS SDK clients time out and retry within it', () => {
    const fns = Object.values(synthOne().findResources('AWS::Lambda::Function')) as {
      Properties: { Timeout: number; Environment: { Variables: Record<string, string> } };
    }[];
    const skewless = fns.filter((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME?.startsWith('skewless-'));
    expect(skewless.length).toBeGreaterThanOrEqual(6);
    for (const f of skewless) expect(f.Properties.Environment.Variables.SKEWLESS_FUNCTION_TIMEOUT_SECONDS).toBe(String(f.Properties.Timeout));
    expect(new Set(skewless.map((f) => f.Properties.Timeout)).size).toBeGreaterThan(1);
  });

  it('reserves concurrency only for the functions asked for', () => {
    const r = synthOne({ reservedConcurrency: { push: 50 } });
    const fns = resourcesOf(r, 'AWS::Lambda::Function');
    expect(
      fns
        .filter(([, f]) => f.Properties.ReservedConcurrentExecutions !== undefined)
        .map(([id, f]) => [id.replace(/[0-9A-F]{8}$/, ''), f.Properties.ReservedConcurrentExecutions]),
    ).toEqual([['FeatureStorepush', 50]]);
  });
});

describe('Stack: account-unique names', () => {
  it('lets two stacks live in one account: no alarm, dashboard, database or workgroup name is shared', () => {
    const named = (t: Template) => [
      ...resourcesOf(t, 'AWS::CloudWatch::Alarm').map(([, a]) => `alarm:${a.Properties.AlarmName}`),
      ...resourcesOf(t, 'AWS::CloudWatch::Dashboard').map(([, d]) => `dashboard:${d.Properties.DashboardName}`),
      ...resourcesOf(t, 'AWS::Glue::Database').map(([, d]) => `db:${d.Properties.DatabaseInput.Name}`),
      ...resourcesOf(t, 'AWS::Athena::WorkGroup').map(([, w]) => `wg:${w.Properties.Name}`),
    ];
    const two = synthStacks([
      { id: 'Skewless-a', props: { project: 'team_a' } },
      { id: 'Skewless-b', props: { project: 'team_b' } },
    ]);
    const [a, b] = [named(two['Skewless-a']), named(two['Skewless-b'])];
    expect(a.filter((n) => n.startsWith('dashboard:'))).toHaveLength(1);
    expect(a.filter((n) => b.includes(n))).toEqual([]);
    // Staging and prod of one project: alarms and dashboards still differ (named after the stack).
    const envs = synthStacks([{ id: 'Skewless-staging' }, { id: 'Skewless-prod' }]);
    const [s, p] = [named(envs['Skewless-staging']), named(envs['Skewless-prod'])].map((l) =>
      l.filter((n) => n.startsWith('alarm:') || n.startsWith('dashboard:')),
    );
    expect(s.filter((n) => p.includes(n))).toEqual([]);
    expect(s).toContain('dashboard:Skewless-staging-freshness');
  });
});
