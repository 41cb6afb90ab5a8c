import { Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { ENTITY_TABLE_PREFIX, historyPrefix, S3_PREFIX, stagingRoot } from '../shared/layout/index.js';
import type { ServerlessFeatureStore } from './serverless-feature-store.js';

export interface Finding {
  id: string;
  reason: string;
}

/**
 * How cdk-nag names a resource's ARN inside a finding id: `<LogicalId.Arn>` for a resource of the
 * stack; for an imported one (an existing bucket) its ARN with pseudo parameters as `<AWS::…>`.
 */
export function arnInFindings(c: IConstruct, arn?: string): string {
  const child = c.node.defaultChild as CfnElement | undefined;
  if (child || arn === undefined) return `<${Stack.of(c).getLogicalId(child as CfnElement)}.Arn>`;
  const resolved = Stack.of(c).resolve(arn) as string | { 'Fn::Join': [string, (string | { Ref: string })[]] };
  if (typeof resolved === 'string') return resolved;
  return resolved['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : `<${p.Ref}>`)).join(resolved['Fn::Join'][0]);
}
const arnOf = (c: IConstruct) => arnInFindings(c);

/** Every cdk-nag finding we accept on the stack, each with its reason. Anything else fails synth. */
export function justifiedFindings(stack: Stack, fs: ServerlessFeatureStore): Finding[] {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const glue = (resource: string) => `arn:<AWS::Partition>:glue:${region}:${account}:${resource}`;
  const data = arnInFindings(fs.bucket, fs.bucket.bucketArn);
  const db = fs.databaseName;
  return [
    { id: 'AwsSolutions-APIG3', reason: 'The API is IAM-authorized (SigV4) for internal inference services; a WAF is a per-deployment choice, not a default.' },
    { id: 'AwsSolutions-COG4', reason: 'Callers are AWS workloads authenticated with IAM (SigV4), not end users of a Cognito pool.' },
    { id: 'AwsSolutions-S1', reason: 'Only the access-log bucket itself lacks access logs (logging it to itself would loop).' },
    {
      id: 'AwsSolutions-SQS3',
      reason:
        'Both queues are dead-letter queues themselves: PushDeadLetters (stream records that failed every retry) and Schedules/Failures (EventBridge deliveries and async invocations of the scheduled functions that failed every retry).',
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        'The functions target Node.js 22 (docs/architecture.md, docs/aws-deployment.md); the bundle is tested on 20 and 22, a runtime bump is a deliberate change.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The AWS-maintained minimum for a Lambda to write its own logs.',
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole]',
      reason:
        "Only with an MSK source: added to the push role by CDK's MSK event source, the AWS-maintained minimum for Lambda to poll the cluster (kafka describe / bootstrap brokers, VPC network interfaces).",
    },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason: 'The AWS-maintained role API Gateway needs to write access and execution logs.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Function roles: X-Ray xray:PutTraceSegments / PutTelemetryRecords (accept only "*"). State machine roles (training, materialization): X-Ray (the same plus GetSamplingRules / GetSamplingTargets) and CloudWatch Logs delivery (logs:CreateLogDelivery / GetLogDelivery / UpdateLogDelivery / DeleteLogDelivery / ListLogDeliveries / PutResourcePolicy / DescribeResourcePolicies / DescribeLogGroups), which accept only "*".',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${data}/${S3_PREFIX.offline}/*]`,
      reason: 'Offline Parquet of every view version lives under offline/ of the one data bucket; writers and readers are limited to that prefix.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${data}/${stagingRoot(S3_PREFIX.offline)}*]`,
      reason: 'Entity rows of a training request are staged under offline/_staging/ and removed after the query.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${data}/${S3_PREFIX.quarantine}/*]`,
      reason: 'The push function writes each invalid stream record (payload and reason) to its own object under quarantine/ (s3:PutObject only).',
    },
    ...(['freshness', 'audits'] as const).map((kind) => ({
      id: `AwsSolutions-IAM5[Resource::${data}/${historyPrefix(kind)}*]`,
      reason: `Each ${kind} record is its own object under ${historyPrefix(kind)} (time-sortable keys); writers may only add objects there.`,
    })),
    { id: `AwsSolutions-IAM5[Resource::${data}/${S3_PREFIX.datasets}/*]`, reason: 'Training datasets are written under datasets/ (one prefix per request).' },
    {
      id: `AwsSolutions-IAM5[Resource::${data}/${S3_PREFIX.entities}/*]`,
      reason: 'historical-prepare reads the entity files of training requests (entity_uri) from entities/ of the data bucket.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${data}/${S3_PREFIX.athenaResults}/*]`,
      reason: "The training workflow's UNLOAD writes its manifest and metadata to the workgroup's result location athena-results/.",
    },
    {
      id: `AwsSolutions-IAM5[Resource::${glue(`table/${db}/${ENTITY_TABLE_PREFIX}*`)}]`,
      reason: 'Only the temporary entity tables a training request creates and drops.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${glue(`table/${db}/*`)}]`,
      reason:
        'Tables of this project database, one per view version: the training workflow reads them (glue:GetTable / GetPartitions for Athena) and the apply operator policy creates / updates them (apply owns every view table).',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${arnOf(fs.functions['historical-prepare'])}:*]`,
      reason: 'Step Functions invokes versions / aliases of the prepare function.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::${arnOf(fs.functions['historical-finalize'])}:*]`,
      reason: 'Step Functions invokes versions / aliases of the finalize function.',
    },
  ];
}

export function suppressJustifiedFindings(stack: Stack, fs: ServerlessFeatureStore): void {
  for (const f of justifiedFindings(stack, fs)) Validations.of(stack).acknowledge({ id: `AwsSolutions::${f.id}`, reason: f.reason });
}
