import { Duration } from 'aws-cdk-lib';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { viewKey } from '../shared/layout/index.js';
import type { FeatureViewSpec } from '../shared/registry/types.js';
import { fansOut } from './materialization-workflow.js';
import { materializationPeriodMinutes } from './schedules.js';

export interface ScheduledJobsProps {
  readonly views: FeatureViewSpec[];
  readonly materialize: IFunction;
  readonly freshnessCheck: IFunction;
}

/**
 * EventBridge schedules: materialize-incremental per batch view (every half SLA) and the freshness
 * check every 5 minutes. EventBridge invokes Lambda asynchronously, so a failed run would vanish
 * into the function's logs: events EventBridge could not deliver, and invocations that failed every
 * retry, both land in one encrypted queue.
 *
 * The materialize input is built with an input transformer: EventBridge substitutes placeholders
 * only there, and only its own variables or `InputPathsMap` paths — `$.time` is the scheduled
 * event's time, which becomes the window's end.
 */
export class ScheduledJobs extends Construct {
  readonly failures: Queue;
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: ScheduledJobsProps) {
    super(scope, id);
    this.failures = new Queue(this, 'Failures', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    for (const fn of [props.materialize, props.freshnessCheck])
      fn.configureAsyncInvoke({ onFailure: new SqsDestination(this.failures), retryAttempts: 2, maxEventAge: Duration.hours(1) });
    const target = (fn: IFunction, event?: RuleTargetInput) =>
      new LambdaFunction(fn, { ...(event ? { event } : {}), retryAttempts: 2, deadLetterQueue: this.failures });
    for (const view of props.views) {
      const minutes = materializationPeriodMinutes(view);
      // Views that fan out are scheduled by their workflow (infra/materialization-workflow.ts).
      if (minutes === undefined || view.status !== 'active' || fansOut(view)) continue;
      const ref = viewKey(view.name, view.version);
      this.rules.push(
        new Rule(scope, `Materialize-${view.name}-v${view.version}`, {
          description: `materialize-incremental ${ref} every ${minutes} min (half its freshness SLA)`,
          schedule: Schedule.rate(Duration.minutes(minutes)),
          // `scheduled`: a view the stack knows but the registry does not yet (deployed, not applied) is skipped, not an error.
          targets: [target(props.materialize, RuleTargetInput.fromObject({ views: [ref], time: EventField.time, scheduled: true }))],
        }),
      );
    }
    // No input: the function receives the scheduled event itself and reads its `time`.
    this.rules.push(
      new Rule(scope, 'FreshnessCheck', {
        description: 'freshness of every view, every 5 minutes',
        schedule: Schedule.rate(Duration.minutes(5)),
        targets: [target(props.freshnessCheck)],
      }),
    );
  }
}
