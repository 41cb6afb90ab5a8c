import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, SingleValueWidget, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { viewKey } from '../shared/layout/index.js';
import type { FeatureViewSpec } from '../shared/registry/types.js';
import { accountUniqueName } from './names.js';
import { freshnessSlaSeconds } from './schedules.js';

export interface FreshnessMonitoringProps {
  views: FeatureViewSpec[];
  topic: ITopic;
  functions: IFunction[];
  /** The service name the freshness-check function logs metrics under (an EMF dimension). */
  serviceName: string;
  /** A view alarms when this many of the last `evaluationPeriods` 5-minute checks were over its SLA. @default 2 */
  datapointsToAlarm?: number;
  /** @default 3 */
  evaluationPeriods?: number;
}

const PERIOD = Duration.minutes(5);

/**
 * One alarm per view on FeatureAgeSeconds > SLA, M of N datapoints (one late check does not page),
 * plus one heartbeat alarm for the checker itself, and a dashboard.
 *
 * A view's alarm treats missing data as not breaching: its metric is missing both when nothing was
 * ever written (e.g. right after deploy, before `apply`) and when the checker is down — the second
 * case is what the heartbeat alarm reports. The heartbeat counts the checker's `StaleFeatureViews`
 * datapoints (one per run, even with an empty registry). It treats missing data as missing, so it
 * is INSUFFICIENT_DATA when created and stays silent through deploy (actions fire on transitions
 * only); once the checker has reported, three silent periods move it to INSUFFICIENT_DATA again,
 * which notifies the topic.
 */
export class FreshnessMonitoring extends Construct {
  readonly alarms: Alarm[];
  readonly heartbeat: Alarm;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: FreshnessMonitoringProps) {
    super(scope, id);
    const evaluationPeriods = props.evaluationPeriods ?? 3;
    const datapointsToAlarm = props.datapointsToAlarm ?? 2;
    const age = (view: FeatureViewSpec) =>
      new Metric({
        namespace: 'Skewless',
        metricName: 'FeatureAgeSeconds',
        dimensionsMap: { service: props.serviceName, View: viewKey(view.name, view.version) },
        statistic: 'Maximum',
        period: PERIOD,
      });
    const online = props.views.filter((v) => v.online && v.status === 'active');
    const notify = new SnsAction(props.topic);
    this.alarms = online.map(
      (view) =>
        new Alarm(this, `Stale-${view.name}-v${view.version}`, {
          alarmName: accountUniqueName(this, `stale-${view.name}-v${view.version}`),
          alarmDescription: `${viewKey(view.name, view.version)} is older than its freshness SLA (${freshnessSlaSeconds(view)} s) in ${datapointsToAlarm} of the last ${evaluationPeriods} checks`,
          metric: age(view),
          threshold: freshnessSlaSeconds(view),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods,
          datapointsToAlarm,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
    );
    for (const a of this.alarms) {
      a.addAlarmAction(notify);
      a.addOkAction(notify);
    }
    const stale = new Metric({
      namespace: 'Skewless',
      metricName: 'StaleFeatureViews',
      dimensionsMap: { service: props.serviceName },
      statistic: 'Maximum',
      period: PERIOD,
    });
    this.heartbeat = new Alarm(this, 'CheckerSilent', {
      alarmName: accountUniqueName(this, 'freshness-checker-silent'),
      alarmDescription: 'The freshness check has not reported for 15 minutes: view freshness is not being watched (INSUFFICIENT_DATA notifies)',
      metric: stale.with({ statistic: 'SampleCount' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.MISSING,
    });
    this.heartbeat.addInsufficientDataAction(notify);
    // No OK action: the first report after deploy (INSUFFICIENT_DATA → OK) is not news.
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: accountUniqueName(this, 'freshness') });
    this.dashboard.addWidgets(
      new SingleValueWidget({ title: 'Stale feature views', metrics: [stale], width: 6 }),
      new GraphWidget({ title: 'Feature age (s) vs SLA', left: online.map(age), width: 18 }),
      new GraphWidget({ title: 'Lambda errors', left: props.functions.map((f) => f.metricErrors({ period: PERIOD })), width: 12 }),
      new GraphWidget({ title: 'Lambda p99 duration', left: props.functions.map((f) => f.metricDuration({ period: PERIOD, statistic: 'p99' })), width: 12 }),
    );
  }
}
