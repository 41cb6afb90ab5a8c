import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, SingleValueWidget, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FeatureViewSpec } from '../shared/registry/types.js';
import { freshnessSlaSeconds } from './schedules.js';

export interface FreshnessMonitoringProps {
  views: FeatureViewSpec[];
  topic: ITopic;
  functions: IFunction[];
  /** The service name the freshness-check function logs metrics under (an EMF dimension). */
  serviceName: string;
}

/** One alarm per view on FeatureAgeSeconds > SLA (missing data = breaching: a silent pipeline pages too), and a dashboard. */
export class FreshnessMonitoring extends Construct {
  readonly alarms: Alarm[];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: FreshnessMonitoringProps) {
    super(scope, id);
    const age = (view: FeatureViewSpec) =>
      new Metric({ namespace: 'Skewless', metricName: 'FeatureAgeSeconds', dimensionsMap: { service: props.serviceName, View: `${view.name}@v${view.version}` }, statistic: 'Maximum', period: Duration.minutes(5) });
    const online = props.views.filter((v) => v.online && v.status === 'active');
    this.alarms = online.map(
      (view) =>
        new Alarm(this, `Stale-${view.name}-v${view.version}`, {
          alarmName: `skewless-stale-${view.name}-v${view.version}`,
          alarmDescription: `${view.name}@v${view.version} is older than its freshness SLA (${freshnessSlaSeconds(view)} s)`,
          metric: age(view),
          threshold: freshnessSlaSeconds(view),
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.BREACHING,
        }),
    );
    for (const a of this.alarms) {
      a.addAlarmAction(new SnsAction(props.topic));
      a.addOkAction(new SnsAction(props.topic));
    }
    const stale = new Metric({ namespace: 'Skewless', metricName: 'StaleFeatureViews', dimensionsMap: { service: props.serviceName }, statistic: 'Maximum', period: Duration.minutes(5) });
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'skewless' });
    this.dashboard.addWidgets(
      new SingleValueWidget({ title: 'Stale feature views', metrics: [stale], width: 6 }),
      new GraphWidget({ title: 'Feature age (s) vs SLA', left: online.map(age), width: 18 }),
      new GraphWidget({ title: 'Lambda errors', left: props.functions.map((f) => f.metricErrors({ period: Duration.minutes(5) })), width: 12 }),
      new GraphWidget({ title: 'Lambda p99 duration', left: props.functions.map((f) => f.metricDuration({ period: Duration.minutes(5), statistic: 'p99' })), width: 12 }),
    );
  }
}
