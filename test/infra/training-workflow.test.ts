import { createRequire } from 'node:module';
import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import * as repo from '../../examples/feature_repo/definitions.js';
import { SkewlessStack } from '../../infra/stack.js';
import { toRepoSpecs, type Definition } from '../../shared/registry/to-specs.js';

const aslValidator = createRequire(import.meta.url)('asl-validator') as (d: unknown) => { isValid: boolean; errorsText: (sep?: string) => string };

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012' };

/**
 * Resolves the Fn::Join / Ref / GetAtt of a synthesized value into text: `<LogicalId>` /
 * `<LogicalId.Arn>` placeholders, or (concrete) values of the shape AWS substitutes, so that
 * asl-validator's ARN checks see real ARNs.
 */
function text(v: unknown, concrete = false): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => text(x, concrete)).join('');
  const o = v as Record<string, unknown>;
  if ('Fn::Join' in o) {
    const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
    return parts.map((x) => text(x, concrete)).join(sep);
  }
  if ('Ref' in o) return concrete ? (PSEUDO[String(o.Ref)] ?? String(o.Ref).toLowerCase()) : `<${String(o.Ref)}>`;
  if ('Fn::GetAtt' in o) {
    const [id, attr] = o['Fn::GetAtt'] as string[];
    if (!concrete) return `<${id}.${attr}>`;
    return /function/i.test(id) || /historical/.test(id) ? `arn:aws:lambda:eu-west-1:123456789012:function:${id}` : `arn:aws:s3:::${id.toLowerCase()}`;
  }
  return JSON.stringify(v);
}

describe('Construct: TrainingWorkflow (Step Functions training request)', () => {
  let t: Template;
  let definition: { StartAt: string; States: Record<string, Record<string, any>> };
  let concreteDefinition: unknown;
  let statements: Statement[];
  let bucketRef: string;

  beforeAll(() => {
    const specs = toRepoSpecs(Object.values(repo) as Definition[]);
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new SkewlessStack(app, 'Skewless', {
      project: 'skewless_demo',
      views: specs.featureViews,
      definitionsPath: 'examples/feature_repo/definitions.ts',
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    t = Template.fromStack(stack as Stack);
    // The training state machine (the stack also has the materialization fan-out one).
    const [sm] = Object.entries(t.findResources('AWS::StepFunctions::StateMachine'))
      .filter(([id]) => id.startsWith('FeatureStoreTrainingStateMachine'))
      .map(([, r]) => r) as { Properties: { DefinitionString: unknown } }[];
    definition = JSON.parse(text(sm.Properties.DefinitionString));
    concreteDefinition = JSON.parse(text(sm.Properties.DefinitionString, true));
    const [policy] = Object.entries(t.findResources('AWS::IAM::Policy'))
      .filter(([id]) => id.startsWith('FeatureStoreTrainingStateMachineRoleDefaultPolicy'))
      .map(([, p]) => p as { Properties: { PolicyDocument: { Statement: Statement[] } } });
    statements = policy.Properties.PolicyDocument.Statement;
    bucketRef = Object.keys(t.findResources('AWS::S3::Bucket')).find((id) => id.startsWith('FeatureStoreData'))!;
  });

  it('is a valid Amazon States Language definition (asl-validator)', () => {
    const result = aslValidator(concreteDefinition);
    expect(result.isValid, result.errorsText('\n')).toBe(true);
    // The check is live: a broken definition is refused.
    expect(aslValidator({ ...(concreteDefinition as object), StartAt: 'Nowhere' }).isValid).toBe(false);
  });

  it('runs the UNLOAD with an output location, an idempotency token, and keeps only references in the state', () => {
    const run = definition.States.RunUnload;
    expect(run.Resource).toMatch(/:states:::athena:startQueryExecution\.sync$/);
    expect(run.Parameters.ResultConfiguration).toEqual({ OutputLocation: `s3://<${bucketRef}>/athena-results/` });
    expect(run.Parameters['ClientRequestToken.$']).toBe('$.prepared.clientRequestToken');
    expect(run.Parameters['QueryString.$']).toBe('$.prepared.queryString');
    expect(run.ResultSelector).toEqual({ 'queryExecutionId.$': '$.QueryExecution.QueryExecutionId' });
    // prepare's result replaces the request: inline entity rows are not carried to later steps.
    expect(definition.States.Prepare.ResultPath).toBe('$');
    expect(definition.States.Finalize.Parameters.Payload ?? definition.States.Finalize.Parameters).toEqual({ 'prepared.$': '$.prepared' });
  });

  it('grants exactly what UNLOAD needs: no S3 or Glue action on "*", no Glue write, and StopQueryExecution', () => {
    const s3AndGlue = statements.filter((s) => actionsOf(s).some((a) => /^(s3|glue|lakeformation):/.test(a)));
    for (const s of s3AndGlue) expect(JSON.stringify(s.Resource), actionsOf(s).join()).not.toBe('"*"');
    const all = statements.flatMap(actionsOf);
    expect(all.filter((a) => a.startsWith('glue:')).sort()).toEqual(['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable']);
    expect(all).toEqual(expect.arrayContaining(['athena:startQueryExecution', 'athena:getQueryExecution', 'athena:stopQueryExecution']));
    expect(all).not.toContain('s3:CreateBucket');
    const put = statements.find((s) => actionsOf(s).includes('s3:PutObject'))!;
    expect((put.Resource as unknown[]).map((r) => text(r)).sort()).toEqual([`<${bucketRef}.Arn>/athena-results/*`, `<${bucketRef}.Arn>/datasets/*`]);
    const read = statements.find((s) => actionsOf(s).includes('s3:GetObject'))!;
    expect(text(read.Resource)).toBe(`<${bucketRef}.Arn>/offline/*`);
    const athena = statements.find((s) => actionsOf(s).includes('athena:stopQueryExecution'))!;
    expect(text(athena.Resource)).toMatch(/:athena:eu-west-1:123456789012:workgroup\/skewless-skewless_demo$/);
  });

  it('logs without execution data by default (requests may hold entity rows)', () => {
    t.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }) });
  });
});
