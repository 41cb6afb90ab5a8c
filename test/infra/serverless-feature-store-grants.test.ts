import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { suppressJustifiedFindings } from '../../infra/nag-suppressions.js';
import { ServerlessFeatureStore, type ServerlessFeatureStoreProps } from '../../infra/serverless-feature-store.js';
import { codeHashes, views } from './synth.js';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
const env = { account: '123456789012', region: 'eu-west-1' };

/** A stack with the construct (cdk-nag on: synth throws on any unacknowledged finding) and a consumer role `with` gets grants. */
function synth(
  props: Partial<ServerlessFeatureStoreProps> = {},
  with_?: (fs: ServerlessFeatureStore, role: Role) => void,
  existing?: (stack: Stack) => Partial<ServerlessFeatureStoreProps>,
) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Skewless', { env });
  const fs = new ServerlessFeatureStore(stack, 'FeatureStore', {
    project: 'skewless_demo',
    views,
    definitionsPath: 'examples/feature_repo/definitions.ts',
    codeHashes,
    ...props,
    ...(existing?.(stack) ?? {}),
  });
  suppressJustifiedFindings(stack, fs);
  if (with_) with_(fs, new Role(stack, 'Consumer', { assumedBy: new AccountRootPrincipal() }));
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { fs, t: Template.fromJSON(app.synth().getStackByName('Skewless').template) };
}

/** Every statement of the policies attached to roles whose logical id starts with `rolePrefix`. */
function statements(t: Template, rolePrefix: string): Statement[] {
  const roles = Object.keys(t.findResources('AWS::IAM::Role')).filter((id) => id.startsWith(rolePrefix));
  return Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p) => (p as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles.some((r) => roles.includes(r.Ref)))
    .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
}
const actionsOf = (s: Statement[]) => s.flatMap((x) => (Array.isArray(x.Action) ? x.Action : [x.Action])).sort();
const withAction = (s: Statement[], action: string) => s.filter((x) => (Array.isArray(x.Action) ? x.Action : [x.Action]).includes(action));

describe('ServerlessFeatureStore grants (CDK grant methods)', () => {
  it('grantGetOnlineFeatures / grantPush: execute-api:Invoke on exactly their POST route; push also writes the stream', () => {
    const { t } = synth({}, (fs, role) => {
      fs.grantGetOnlineFeatures(role);
      fs.grantPush(role);
    });
    const s = statements(t, 'Consumer');
    const invoke = withAction(s, 'execute-api:Invoke').map((x) => JSON.stringify(x.Resource));
    expect(invoke).toHaveLength(2);
    expect(invoke[0]).toMatch(/DeploymentStagev1[0-9A-F]+"\},"\/POST\/get-online-features"\]/);
    expect(invoke[1]).toMatch(/DeploymentStagev1[0-9A-F]+"\},"\/POST\/push"\]/);
    expect(actionsOf(s).filter((a) => a.startsWith('kinesis:'))).toEqual(expect.arrayContaining(['kinesis:PutRecord', 'kinesis:PutRecords']));
    expect(JSON.stringify(withAction(s, 'kinesis:PutRecord')[0].Resource)).toMatch(/PushStream/);
    expect(actionsOf(s).some((a) => a.startsWith('dynamodb:') || a.startsWith('s3:'))).toBe(false);
  });

  it('grantOnlineRead / grantOnlineWrite: only BatchGetItem, only PutItem + UpdateItem, on the online table', () => {
    const { t } = synth({}, (fs, role) => fs.grantOnlineRead(role));
    expect(actionsOf(statements(t, 'Consumer'))).toEqual(['dynamodb:BatchGetItem']);
    expect(JSON.stringify(statements(t, 'Consumer')[0].Resource)).toMatch(/FeatureStoreOnline[0-9A-F]+/);
    const { t: w } = synth({}, (fs, role) => fs.grantOnlineWrite(role));
    expect(actionsOf(statements(w, 'Consumer'))).toEqual(['dynamodb:PutItem', 'dynamodb:UpdateItem']);
  });

  it('grantTilesRead / grantTilesWrite: Query (and PutItem to write) on the online table, only in tile partitions', () => {
    const { t } = synth({}, (fs, role) => fs.grantTilesRead(role));
    const read = statements(t, 'Consumer');
    expect(actionsOf(read)).toEqual(['dynamodb:Query']);
    expect(read[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['__tiles__*'] } });
    expect(JSON.stringify(read[0].Resource)).toMatch(/FeatureStoreOnline[0-9A-F]+/);
    const { t: w } = synth({}, (fs, role) => fs.grantTilesWrite(role));
    expect(actionsOf(statements(w, 'Consumer'))).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
    // The deployed lookup reads tiles; push and materialization write them.
    const { t: all } = synth();
    const fnStatements = (prefix: string) => statements(all, prefix).filter((x) => JSON.stringify(x.Condition ?? {}).includes('LeadingKeys'));
    expect(actionsOf(fnStatements('FeatureStoreonlinelookup'))).toEqual(['dynamodb:Query']);
    expect(actionsOf(fnStatements('FeatureStorepush'))).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });

  it('grantOfflineRead: objects under offline/ and a listing narrowed to that prefix', () => {
    const { t } = synth({}, (fs, role) => fs.grantOfflineRead(role));
    const s = statements(t, 'Consumer');
    expect(actionsOf(s)).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(JSON.stringify(withAction(s, 's3:GetObject')[0].Resource)).toMatch(/\/offline\/\*"/);
    expect(withAction(s, 's3:ListBucket')[0].Condition).toEqual({ StringLike: { 's3:prefix': ['offline/*'] } });
  });

  it('grantTrainingDatasets: start the training workflow, put entity files, read datasets', () => {
    const { t } = synth({}, (fs, role) => fs.grantTrainingDatasets(role));
    const s = statements(t, 'Consumer');
    expect(actionsOf(s)).toEqual(['s3:GetObject', 's3:PutObject', 'states:StartExecution']);
    expect(JSON.stringify(withAction(s, 'states:StartExecution')[0].Resource)).toMatch(/FeatureStoreTrainingStateMachine/);
    expect(JSON.stringify(withAction(s, 's3:PutObject')[0].Resource)).toMatch(/\/entities\/\*"/);
    expect(JSON.stringify(withAction(s, 's3:GetObject')[0].Resource)).toMatch(/\/datasets\/\*"/);
  });

  it('the operator policy is grantApply: registry read / write, listing of the registry key, the Glue tables of the project', () => {
    const { t } = synth();
    const [policy] = Object.values(t.findResources('AWS::IAM::ManagedPolicy')) as { Properties: { PolicyDocument: { Statement: Statement[] } } }[];
    const s = policy.Properties.PolicyDocument.Statement;
    expect(actionsOf(s)).toEqual([
      'glue:CreateTable',
      'glue:GetDatabase',
      'glue:GetTable',
      'glue:UpdateTable',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    expect(JSON.stringify(withAction(s, 's3:PutObject')[0].Resource)).toMatch(/\/registry\/registry\.json"/);
    expect(withAction(s, 's3:ListBucket')[0].Condition).toEqual({ StringEquals: { 's3:prefix': ['registry/registry.json'] } });
    expect(JSON.stringify(withAction(s, 'glue:CreateTable')[0].Resource)).toMatch(/table\/skewless_demo\/\*/);
  });

  it('brings an existing bucket and table: creates neither (nor the access-log bucket), grants on them, passes cdk-nag', () => {
    const { t } = synth({}, undefined, (stack) => ({
      bucket: Bucket.fromBucketName(stack, 'Existing', 'my-data'),
      table: Table.fromTableName(stack, 'ExistingTable', 'my-online'),
    }));
    t.resourceCountIs('AWS::S3::Bucket', 0);
    t.resourceCountIs('AWS::DynamoDB::Table', 0);
    const lookup = statements(t, 'FeatureStoreonlinelookup');
    expect(JSON.stringify(withAction(lookup, 'dynamodb:BatchGetItem')[0].Resource)).toMatch(/table\/my-online/);
    expect(JSON.stringify(withAction(lookup, 's3:GetObject')[0].Resource)).toMatch(/:::my-data\/registry\/registry\.json/);
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { SKEWLESS_BUCKET: 'my-data', SKEWLESS_TABLE: 'my-online' } } });
  });

  it('with a KMS-encrypted existing bucket, readers may decrypt and writers encrypt with its key', () => {
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { t } = synth({}, undefined, (stack) => ({
      bucket: Bucket.fromBucketAttributes(stack, 'Existing', { bucketName: 'my-data', encryptionKey: Key.fromKeyArn(stack, 'DataKey', keyArn) }),
    }));
    const kms = (role: string) => actionsOf(statements(t, role)).filter((a) => a.startsWith('kms:'));
    expect(kms('FeatureStoreonlinelookup')).toEqual(['kms:Decrypt']);
    expect(kms('FeatureStorepush')).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']));
    expect(kms('FeatureStorepush').some((a) => a.includes('*'))).toBe(false);
    expect(JSON.stringify(withAction(statements(t, 'FeatureStoreonlinelookup'), 'kms:Decrypt')[0].Resource)).toContain(keyArn);
  });

  it('grantMonitoringWrite / Read: the freshness checker adds to monitoring/freshness/ only; a reader gets that prefix', () => {
    const { t } = synth({}, (fs, role) => fs.grantMonitoringRead(role, 'freshness'));
    const roles = Object.keys(t.findResources('AWS::IAM::Role'));
    const checker = roles.find((id) => /freshnesscheck/i.test(id) && !/Consumer/.test(id));
    expect(checker).toBeDefined();
    const put = withAction(statements(t, checker!.replace(/Role.*$/, 'Role')), 's3:PutObject').map((x) => JSON.stringify(x.Resource));
    expect(put).toHaveLength(1);
    expect(put[0]).toMatch(/\/monitoring\/freshness\/\*"\]/);
    const reader = statements(t, 'Consumer');
    expect(actionsOf(reader)).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(JSON.stringify(withAction(reader, 's3:GetObject')[0].Resource)).toMatch(/\/monitoring\/freshness\/\*"\]/);
    const rules = Object.values(t.findResources('AWS::S3::Bucket')).flatMap(
      (b) =>
        (b as { Properties: { LifecycleConfiguration?: { Rules: { Id?: string; Prefix?: string; ExpirationInDays?: number }[] } } }).Properties
          .LifecycleConfiguration?.Rules ?? [],
    );
    expect(rules.find((r) => r.Id === 'monitoring-history')).toMatchObject({ Prefix: 'monitoring/', ExpirationInDays: 90 });
  });
});
