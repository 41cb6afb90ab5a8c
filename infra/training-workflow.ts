import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { CustomState, DefinitionBody, Fail, JsonPath, LogLevel, StateMachine, Succeed, TaskInput } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { S3_PREFIX } from '../shared/layout/index.js';

export interface TrainingWorkflowProps {
  readonly prepare: IFunction;
  readonly finalize: IFunction;
  readonly workgroup: string;
  readonly database: string;
  readonly bucket: IBucket;
  /** Prefixes the UNLOAD reads (offline data, staged entity rows) and writes (datasets). */
  readonly offlinePrefix: string;
  readonly datasetsPrefix: string;
  /** Athena's result location in the bucket (UNLOAD writes its manifest and metadata there). @default 'athena-results' */
  readonly resultsPrefix?: string;
  /** Log execution data (inputs and outputs: entity rows of inline requests, SQL). @default false */
  readonly logExecutionData?: boolean;
}

/**
 * prepare (Lambda) → Athena StartQueryExecution `.sync` (UNLOAD to S3) → finalize (Lambda), with
 * retries on each step and a Catch path that cleans the staging table up and fails the execution.
 *
 * The state carries references only: prepare's result replaces the request (inline entity rows
 * never travel further), Athena's result is reduced to the query id. The Athena step is written
 * as ASL (not CDK's Athena task, which grants S3 on `*` and Glue write actions) so the role gets
 * exactly what the UNLOAD needs.
 */
export class TrainingWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: TrainingWorkflowProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const results = (props.resultsPrefix ?? S3_PREFIX.athenaResults).replace(/\/+$/, '');
    const prepare = new LambdaInvoke(this, 'Prepare', { lambdaFunction: props.prepare, resultSelector: { 'prepared.$': '$.Payload' }, resultPath: '$' });
    prepare.addRetry({
      errors: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.SdkClientException'],
      maxAttempts: 3,
      backoffRate: 2,
      interval: Duration.seconds(2),
    });

    const query = new CustomState(this, 'RunUnload', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${stack.partition}:states:::athena:startQueryExecution.sync`,
        Parameters: {
          'QueryString.$': '$.prepared.queryString',
          // A retried start returns the same query: UNLOAD never runs twice into the run's prefix.
          'ClientRequestToken.$': '$.prepared.clientRequestToken',
          QueryExecutionContext: { Database: props.database },
          ResultConfiguration: { OutputLocation: `s3://${props.bucket.bucketName}/${results}/` },
          WorkGroup: props.workgroup,
        },
        ResultSelector: { 'queryExecutionId.$': '$.QueryExecution.QueryExecutionId' },
        ResultPath: '$.athena',
      },
    });
    query.addRetry({
      errors: ['Athena.TooManyRequestsException', 'Athena.InternalServerException'],
      maxAttempts: 3,
      backoffRate: 2,
      interval: Duration.seconds(5),
    });

    const finalize = new LambdaInvoke(this, 'Finalize', {
      lambdaFunction: props.finalize,
      payload: TaskInput.fromObject({ 'prepared.$': '$.prepared' }),
      payloadResponseOnly: true,
    });
    finalize.addRetry({ errors: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException'], maxAttempts: 3, backoffRate: 2 });

    const cleanup = new LambdaInvoke(this, 'CleanupAfterFailure', {
      lambdaFunction: props.finalize,
      payload: TaskInput.fromObject({ 'prepared.$': '$.prepared', 'error.$': '$.error' }),
      resultPath: JsonPath.DISCARD,
    }).next(new Fail(this, 'TrainingDatasetFailed', { errorPath: '$.error.Error', causePath: '$.error.Cause' }));
    query.addCatch(cleanup, { resultPath: '$.error' });
    finalize.addCatch(new Fail(this, 'FinalizeFailed', { error: 'FinalizeFailed' }), { resultPath: '$.error' });
    prepare.addCatch(new Fail(this, 'PrepareFailed', { errorPath: '$.error.Error', causePath: '$.error.Cause' }), { resultPath: '$.error' });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(prepare.next(query).next(finalize).next(new Succeed(this, 'DatasetReady'))),
      timeout: Duration.hours(2),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH }),
        level: LogLevel.ALL,
        includeExecutionData: props.logExecutionData ?? false,
      },
    });
    this.grantUnload(props, results);
  }

  /**
   * Athena runs the UNLOAD with the state machine role's credentials: start / poll / stop the query
   * in the workgroup, read the catalog and the offline data (views and staged entity rows), check
   * that the target is empty and write it, write the manifest and metadata to the result location.
   */
  private grantUnload(props: TrainingWorkflowProps, results: string): void {
    const stack = Stack.of(this);
    const add = (actions: string[], resources: string[]) => this.stateMachine.addToRolePolicy(new PolicyStatement({ actions, resources }));
    add(
      ['athena:startQueryExecution', 'athena:getQueryExecution', 'athena:stopQueryExecution'],
      [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: props.workgroup })],
    );
    add(['athena:getDataCatalog'], [stack.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: 'AwsDataCatalog' })]);
    add(
      ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
      [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.database }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.database}/*` }),
      ],
    );
    add(['s3:GetObject'], [props.bucket.arnForObjects(`${props.offlinePrefix}/*`)]);
    add(['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'], [props.bucket.bucketArn]);
    add(
      ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      [props.bucket.arnForObjects(`${props.datasetsPrefix}/*`), props.bucket.arnForObjects(`${results}/*`)],
    );
  }
}
