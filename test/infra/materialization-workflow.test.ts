import { createRequire } from 'node:module';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Function as LambdaFunction, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../../examples/feature_repo/definitions.js';
import { MaterializationWorkflow } from '../../infra/materialization-workflow.js';
import { SkewlessStack } from '../../infra/stack.js';
import { MaterializeWorkflowEvent } from '../../functions/lambda/materialize.js';
import { toRepoSpecs, type Definition } from '../../shared/registry/to-specs.js';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (d: unknown) => { isValid: boolean; errorsText: (sep?: string) => string };
const specs = toRepoSpecs(Object.values(repo) as Definition[]);
// One view opts into the fan-out path by tag.
const views = specs.featureViews.map((v) => (v.name === 'user_activity_daily' ? { ...v, tags: { ...v.tags, materialization: 'fan_out' } } : v));

function synth() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new SkewlessStack(app, 'Skewless', {
    project: 'skewless_demo',
    views,
    definitionsPath: 'examples/feature_repo/definitions.ts',
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return Template.fromJSON(app.synth().getStackByName('Skewless').template);
}

/** The state machine's definition with CloudFormation intrinsics replaced by placeholder ARNs. */
function definitionOf(t: Template): Record<string, any> {
  const machines = t.findResources('AWS::StepFunctions::StateMachine', {
    Properties: { DefinitionString: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
  });
  const id = Object.keys(machines).find((k) => k.includes('Materialization'))!;
  const parts = (machines[id].Properties.DefinitionString['Fn::Join'][1] as unknown[]).map((p) =>
    typeof p === 'string' ? p : (p as { Ref?: string }).Ref === 'AWS::Partition' ? 'aws' : 'arn:aws:lambda:eu-west-1:123456789012:function:materialize',
  );
  return JSON.parse(parts.join(''));
}

describe('Construct: MaterializationWorkflow', () => {
  let t: Template;
  beforeAll(() => (t = synth()));

  it('synthesizes with the stack under cdk-nag AwsSolutions (its own findings acknowledged with reasons)', () => {
    expect(t.findResources('AWS::StepFunctions::StateMachine')).toBeDefined();
  });

  it('is a valid Amazon States Language definition: plan → up-to-date choice → Distributed Map over the S3 chunk list → finish', () => {
    const d = definitionOf(t);
    const result = aslValidator(d);
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    expect(d.StartAt).toBe('Plan');
    const map = d.States.Chunks;
    expect(map).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 40,
      ResultPath: null,
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket.$': '$.plan.result.items.bucket', 'Key.$': '$.plan.result.items.key' },
      },
      ItemSelector: { action: 'chunk', 'runId.$': '$.plan.result.runId', 'chunk.$': '$$.Map.Item.Value.chunk' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      Next: 'Finish',
    });
    // No tolerated failures (the default, 0): one failed chunk fails the execution and finish never runs.
    expect(map.ToleratedFailurePercentage ?? 0).toBe(0);
    expect(map.ItemProcessor.States.Chunk.Retry.map((r: { ErrorEquals: string[] }) => r.ErrorEquals)).toContainEqual(['States.TaskFailed', 'States.Timeout']);
    expect(d.States.Finish.Parameters.Payload).toEqual({ action: 'finish', 'runId.$': '$.plan.result.runId' });
    // Plan and each chunk receive their whole input as the Lambda payload.
    expect(d.States.Plan.Parameters['Payload.$']).toBe('$');
    expect(map.ItemProcessor.States.Chunk.Parameters['Payload.$']).toBe('$');
    expect(d.States['UpToDate?'].Choices[0]).toMatchObject({ Variable: '$.plan.result.upToDate', BooleanEquals: true });
  });

  it('every step sends an event the materialize handler accepts (item, plan, finish rendered as Step Functions would)', () => {
    const plan = { upToDate: false, runId: 'user_activity_daily@v1/1-2', items: { bucket: 'b', key: 'k' } };
    expect(MaterializeWorkflowEvent.safeParse({ action: 'chunk', runId: plan.runId, chunk: 3 }).success).toBe(true);
    expect(MaterializeWorkflowEvent.safeParse({ action: 'finish', runId: plan.runId }).success).toBe(true);
    // The schedule's input transformer: `time` comes from the scheduled event's `$.time`.
    const rules = t.findResources('AWS::Events::Rule', { Properties: { Description: Match.stringLikeRegexp('^fan-out materialize') } });
    expect(Object.keys(rules)).toHaveLength(1);
    const target = (Object.values(rules)[0] as any).Properties.Targets[0];
    expect(target.InputTransformer.InputPathsMap).toEqual({ time: '$.time' });
    // EventBridge quotes a string value substituted for an unquoted placeholder.
    const rendered = JSON.parse(String(target.InputTransformer.InputTemplate).replace('<time>', JSON.stringify('2026-11-01T12:00:00Z')));
    expect(MaterializeWorkflowEvent.parse(rendered)).toMatchObject({ action: 'plan', view: 'user_activity_daily@v1', time: new Date('2026-11-01T12:00:00Z') });
  });

  it('compacts pushed parts daily through the materialize function, with an input its handler accepts', () => {
    const rules = t.findResources('AWS::Events::Rule', { Properties: { Description: 'compact small pushed Parquet parts, daily' } });
    const [rule] = Object.values(rules) as any[];
    expect(rule.Properties.ScheduleExpression).toBe('rate(1 day)');
    expect(MaterializeWorkflowEvent.parse(JSON.parse(rule.Properties.Targets[0].Input))).toEqual({ action: 'compact' });
  });

  it('replaces the per-view Lambda schedule of fan-out views (one schedule per view, not two)', () => {
    const lambdaRules = t.findResources('AWS::Events::Rule', {
      Properties: { Description: Match.stringLikeRegexp('^materialize-incremental user_activity_daily@v1') },
    });
    expect(Object.keys(lambdaRules)).toHaveLength(0);
  });

  it('grants the worker its checkpoints only, and the state machine a read of the chunk lists only', () => {
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['s3:PutObject', 's3:DeleteObject'],
            Resource: { 'Fn::Join': ['', [Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }), '/offline/_materialize/*']] },
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [Match.anyValue(), '/offline/_materialize/*']] } }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ IncludeExecutionData: false, Level: 'ALL' }),
    });
  });

  it('refuses bad props with one combined error', () => {
    const stack = new Stack(new App());
    const worker = new LambdaFunction(stack, 'W', { runtime: Runtime.NODEJS_22_X, handler: 'i.h', code: Code.fromInline('exports.h=()=>1') });
    const bucket = new Bucket(stack, 'B');
    expect(() => new MaterializationWorkflow(stack, 'M', { worker, bucket, offlinePrefix: '/offline/', maxConcurrency: 0 })).toThrow(
      /maxConcurrency must be an integer in 1\.\.10000.*offlinePrefix must not start or end with \//,
    );
  });
});
