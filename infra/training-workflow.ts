import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, Fail, IntegrationPattern, JsonPath, LogLevel, StateMachine, Succeed, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { AthenaStartQueryExecution, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface TrainingWorkflowProps {
  prepare: IFunction;
  finalize: IFunction;
  workgroup: string;
  database: string;
  bucket: IBucket;
  /** Prefixes the UNLOAD reads (offline data, staged entity rows) and writes (datasets). */
  offlinePrefix: string;
  datasetsPrefix: string;
}

/**
 * prepare (Lambda) → Athena StartQueryExecution `.sync` (UNLOAD to S3) → finalize (Lambda), with
 * retries on each step and a Catch path that cleans the staging table up and fails the execution.
 */
export class TrainingWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: TrainingWorkflowProps) {
    super(scope, id);
    const prepare = new LambdaInvoke(this, 'Prepare', { lambdaFunction: props.prepare, resultSelector: { 'prepared.$': '$.Payload' }, resultPath: '$.prep' });
    prepare.addRetry({ errors: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.SdkClientException'], maxAttempts: 3, backoffRate: 2, interval: Duration.seconds(2) });

    const query = new AthenaStartQueryExecution(this, 'RunUnload', {
      queryString: JsonPath.stringAt('$.prep.prepared.queryString'),
      workGroup: props.workgroup,
      queryExecutionContext: { databaseName: props.database },
      integrationPattern: IntegrationPattern.RUN_JOB,
      resultPath: '$.athena',
    });
    query.addRetry({ errors: ['Athena.TooManyRequestsException', 'Athena.InternalServerException'], maxAttempts: 3, backoffRate: 2, interval: Duration.seconds(5) });

    const finalize = new LambdaInvoke(this, 'Finalize', {
      lambdaFunction: props.finalize,
      payload: TaskInput.fromObject({ 'prepared.$': '$.prep.prepared' }),
      payloadResponseOnly: true,
    });
    finalize.addRetry({ errors: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'], maxAttempts: 3, backoffRate: 2 });

    const cleanup = new LambdaInvoke(this, 'CleanupAfterFailure', {
      lambdaFunction: props.finalize,
      payload: TaskInput.fromObject({ 'prepared.$': '$.prep.prepared', 'error.$': '$.error' }),
      resultPath: JsonPath.DISCARD,
    }).next(new Fail(this, 'TrainingDatasetFailed', { errorPath: '$.error.Error', causePath: '$.error.Cause' }));
    query.addCatch(cleanup, { resultPath: '$.error' });
    finalize.addCatch(new Fail(this, 'FinalizeFailed', { error: 'FinalizeFailed' }), { resultPath: '$.error' });
    prepare.addCatch(new Fail(this, 'PrepareFailed', { errorPath: '$.error.Error', causePath: '$.error.Cause' }), { resultPath: '$.error' });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(prepare.next(query).next(finalize).next(new Succeed(this, 'DatasetReady'))),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: { destination: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH }), level: LogLevel.ALL, includeExecutionData: true },
    });
    // Athena runs the UNLOAD as the state machine's role: read offline data and staged rows, write the dataset.
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects(`${props.offlinePrefix}/*`)] }));
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [props.bucket.bucketArn] }));
    this.stateMachine.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [props.bucket.arnForObjects(`${props.datasetsPrefix}/*`)] }));
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          Stack.of(this).formatArn({ service: 'glue', resource: 'catalog' }),
          Stack.of(this).formatArn({ service: 'glue', resource: 'database', resourceName: props.database }),
          Stack.of(this).formatArn({ service: 'glue', resource: 'table', resourceName: `${props.database}/*` }),
        ],
      }),
    );
  }
}
