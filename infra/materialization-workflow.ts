import { Duration, Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  JsonPath,
  LogLevel,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { checkpointRoot, viewKey } from '../shared/layout/index.js';
import type { FeatureViewSpec } from '../shared/registry/types.js';
import { materializationPeriodMinutes } from './schedules.js';
import { arnInFindings } from './nag-suppressions.js';
import { ConfigurationError } from '../shared/errors.js';

export interface MaterializationWorkflowProps {
  /** The materialize function: it runs the plan, chunk and finish steps (`{ action }` events). */
  readonly worker: IFunction;
  readonly bucket: IBucket;
  /** Prefix of the offline data; checkpoints live under `<offlinePrefix>/_materialize/`. */
  readonly offlinePrefix: string;
  /** The repo's views: those tagged `materialization: fan_out` are scheduled through this workflow. @default none */
  readonly views?: FeatureViewSpec[];
  /** Chunk workers running at once (DynamoDB write capacity is the real limit; see docs/materialization.md). @default 40 */
  readonly maxConcurrency?: number;
  /** @default 6 hours */
  readonly timeout?: Duration;
  /** Where EventBridge puts events it could not deliver to this construct's schedules (the stack's schedule failure queue). @default none */
  readonly deadLetterQueue?: IQueue;
}

const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

/** Views whose scheduled materialization fans out through the workflow instead of one Lambda. */
export function fansOut(view: FeatureViewSpec): boolean {
  return view.tags.materialization === 'fan_out';
}

/**
 * Materialization of large windows (issue 9 item 13): plan (one Lambda: list the window's Parquet
 * objects, cut them into chunks, store the plan and its chunk list in S3) → Distributed Map over
 * that list (one Lambda per chunk, `maxConcurrency` at once, each checkpointing its chunk) →
 * finish (watermark + registry interval, only once every chunk is checkpointed). A failed
 * execution leaves its run open; the next execution's plan step resumes it, skipping finished
 * chunks. The state carries references only: the chunk list is read by the Map from S3.
 */
export class MaterializationWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: MaterializationWorkflowProps) {
    super(scope, id);
    MaterializationWorkflow.validate(props);
    const checkpoints = checkpointRoot(props.offlinePrefix).replace(/\/$/, '');

    // The plan's answer (references only: run id, S3 location of the chunk list) goes to $.plan.
    const plan = new LambdaInvoke(this, 'Plan', {
      lambdaFunction: props.worker,
      payload: TaskInput.fromJsonPathAt('$'),
      resultSelector: { 'result.$': '$.Payload' },
      resultPath: '$.plan',
    });
    plan.addRetry({ errors: LAMBDA_TRANSIENT, maxAttempts: 3, backoffRate: 2, interval: Duration.seconds(2) });

    const chunk = new LambdaInvoke(this, 'Chunk', {
      lambdaFunction: props.worker,
      payload: TaskInput.fromJsonPathAt('$'),
      resultSelector: { 'chunk.$': '$.Payload.chunk' },
    });
    chunk.addRetry({ errors: LAMBDA_TRANSIENT, maxAttempts: 4, backoffRate: 2, interval: Duration.seconds(2) });
    // A worker that died mid-chunk (timeout, throttled store) is retried: the unfinished chunk is redone, idempotently.
    chunk.addRetry({ errors: ['States.TaskFailed', 'States.Timeout'], maxAttempts: 2, backoffRate: 2, interval: Duration.seconds(10) });

    const chunks = new DistributedMap(this, 'Chunks', {
      itemReader: new S3JsonItemReader({ bucketNamePath: JsonPath.stringAt('$.plan.result.items.bucket'), key: JsonPath.stringAt('$.plan.result.items.key') }),
      itemSelector: { action: 'chunk', 'runId.$': '$.plan.result.runId', 'chunk.$': '$$.Map.Item.Value.chunk' },
      maxConcurrency: props.maxConcurrency ?? 40,
      mapExecutionType: StateMachineType.STANDARD,
      toleratedFailurePercentage: 0,
      resultPath: JsonPath.DISCARD,
    });
    chunks.itemProcessor(chunk);

    const finish = new LambdaInvoke(this, 'Finish', {
      lambdaFunction: props.worker,
      payload: TaskInput.fromObject({ action: 'finish', 'runId.$': '$.plan.result.runId' }),
      resultSelector: { 'result.$': '$.Payload' },
      resultPath: '$.materialized',
    });
    finish.addRetry({ errors: LAMBDA_TRANSIENT, maxAttempts: 3, backoffRate: 2, interval: Duration.seconds(2) });
    chunks.addCatch(
      new Fail(this, 'ChunksFailed', { error: 'ChunksFailed', cause: 'some chunks failed; the run stays open and the next execution resumes it' }),
      { resultPath: '$.error' },
    );

    const definition = plan.next(
      new Choice(this, 'UpToDate?')
        .when(Condition.booleanEquals('$.plan.result.upToDate', true), new Succeed(this, 'NothingToDo'))
        .otherwise(chunks.next(finish).next(new Succeed(this, 'Materialized'))),
    );
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: props.timeout ?? Duration.hours(6),
      tracingEnabled: true,
      // Every state transition is logged; execution data (view names, run ids, chunk indexes) is not needed to debug.
      logs: { destination: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH }), level: LogLevel.ALL, includeExecutionData: false },
    });
    // The Map's ItemReader reads the run's chunk list (bucket and key come from the plan step).
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects(`${checkpoints}/*`)] }));
    // The worker keeps its checkpoints (plan, chunk list, one object per finished chunk) and removes them when the run is finished.
    props.worker.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [props.bucket.arnForObjects(`${checkpoints}/*`)] }),
    );

    // Daily compaction of the small Parquet parts offline pushes write (one per request), by the same function.
    props.worker.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [props.bucket.arnForObjects(`${props.offlinePrefix}/*`)] }),
    );
    const dlq = props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {};
    new Rule(this, 'CompactPushes', {
      description: 'compact small pushed Parquet parts, daily',
      schedule: Schedule.rate(Duration.days(1)),
      targets: [new LambdaFunction(props.worker, { event: RuleTargetInput.fromObject({ action: 'compact' }), retryAttempts: 2, ...dlq })],
    });

    for (const view of props.views ?? []) {
      const minutes = materializationPeriodMinutes(view);
      if (!fansOut(view) || minutes === undefined || view.status !== 'active') continue;
      new Rule(this, `Schedule-${view.name}-v${view.version}`, {
        description: `fan-out materialize-incremental ${viewKey(view.name, view.version)} every ${minutes} min (half its freshness SLA)`,
        schedule: Schedule.rate(Duration.minutes(minutes)),
        // EventField.time renders an input transformer: `time` is the event's time, the window's end.
        targets: [
          new SfnStateMachine(this.stateMachine, {
            input: RuleTargetInput.fromObject({ action: 'plan', view: viewKey(view.name, view.version), time: EventField.time }),
            retryAttempts: 2,
            ...dlq,
          }),
        ],
      });
    }

    this.acknowledgeFindings(props, checkpoints);
  }

  /** cdk-nag findings of exactly what this construct grants, each with its reason, on the resource that carries it. */
  private acknowledgeFindings(props: MaterializationWorkflowProps, checkpoints: string): void {
    const stack = Stack.of(this);
    const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const objects = `AwsSolutions::AwsSolutions-IAM5[Resource::${arnInFindings(props.bucket, props.bucket.bucketArn)}/${checkpoints}/*]`;
    const reason = `Materialization checkpoints: one object per run and per finished chunk under ${checkpoints}/ (names known only at run time).`;
    Validations.of(props.worker).acknowledge({ id: objects, reason });
    Validations.of(this.stateMachine).acknowledge({ id: objects, reason });
    Validations.of(this.stateMachine).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${logicalId(props.worker as unknown as Construct)}.Arn>:*]`,
      reason: 'Step Functions invokes versions / aliases of the materialize function (plan, chunk and finish steps).',
    });
    const executions = `arn:<AWS::Partition>:states:${region}:${account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalId(this.stateMachine)}"}]}]}`;
    for (const suffix of [':*', '/*:*']) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
        reason: 'The Distributed Map starts, describes and stops the child executions of this state machine only (names generated per execution).',
      });
    }
  }

  private static validate(props: MaterializationWorkflowProps): void {
    const errors: string[] = [];
    if (props.maxConcurrency !== undefined && (!Number.isInteger(props.maxConcurrency) || props.maxConcurrency < 1 || props.maxConcurrency > 10_000))
      errors.push('maxConcurrency must be an integer in 1..10000 (Distributed Map limit)');
    if (/^\/|\/$/.test(props.offlinePrefix)) errors.push('offlinePrefix must not start or end with /');
    if (errors.length) throw new ConfigurationError(`MaterializationWorkflow: ${errors.join('; ')}`, { construct: 'MaterializationWorkflow', errors });
  }
}
