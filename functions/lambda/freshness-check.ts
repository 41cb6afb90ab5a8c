import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics, observability } from '../lib/observability.js';
import { lambdaStore } from './store.js';

/**
 * EventBridge, every 5 minutes: per view `FeatureAgeSeconds` (dimension View = name@vN; a view
 * never written reports no age, which the alarm treats as breaching) and `StaleFeatureViews`.
 */
export const handler = middy<{ time?: string }, unknown>()
  .use(observability())
  .handler(async (event: { time?: string }) => {
    const store = await lambdaStore();
    const now = event?.time ? new Date(event.time) : new Date();
    const views = await store.freshness(now);
    for (const v of views) {
      if (v.ageSeconds === null) continue;
      const m = metrics.singleMetric();
      m.addDimension('View', `${v.view}@v${v.version}`);
      m.addMetric('FeatureAgeSeconds', MetricUnit.Seconds, v.ageSeconds);
    }
    const stale = views.filter((v) => v.status === 'stale');
    metrics.addMetric('StaleFeatureViews', MetricUnit.Count, stale.length);
    if (stale.length) logger.warn('stale feature views', { views: stale.map((v) => `${v.view}@v${v.version}`) });
    return { views, stale: stale.length };
  });
