import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { viewKey } from '../../shared/layout/view-ref.js';
import { parseInstant } from '../../shared/util/time.js';
import { eventEnvelope } from '../lib/envelopes.js';
import { logger, metrics, observability } from '../lib/observability.js';
import { parseInput } from '../lib/parse-input.js';
import { lambdaStore } from '../lib/lambda-store.js';

/** The EventBridge scheduled event (the rule sends it whole): its `time` is "now" for the check. */
export const FreshnessCheckEvent = z.looseObject({
  time: z
    .string()
    .transform((v, ctx) => parseInstant(v) ?? (ctx.addIssue({ code: 'custom', message: 'expected an RFC 3339 timestamp' }), z.NEVER))
    .optional(),
});
export type FreshnessCheckEvent = z.output<typeof FreshnessCheckEvent>;

/**
 * EventBridge, every 5 minutes: per view `FeatureAgeSeconds` (dimension View = name@vN; a view
 * never written reports no age) and `StaleFeatureViews` — emitted on every run, also with an empty
 * registry, so the heartbeat alarm can tell a silent checker from a quiet store. Each check is kept
 * in the freshness history.
 */
export const handler = middy<FreshnessCheckEvent, unknown>()
  .use(observability())
  .use(parseInput(FreshnessCheckEvent, eventEnvelope<FreshnessCheckEvent>(), 'freshness-check event'))
  .handler(async (event) => {
    const store = await lambdaStore();
    // Recorded in the freshness history (monitoring/freshness/ in S3) that `skewless ui` charts.
    const views = await store.freshness(event.time ?? store.context.now(), { record: true });
    for (const v of views) {
      if (v.ageSeconds === null) continue;
      const m = metrics.singleMetric();
      m.addDimension('View', viewKey(v.view, v.version));
      m.addMetric('FeatureAgeSeconds', MetricUnit.Seconds, v.ageSeconds);
    }
    const stale = views.filter((v) => v.status === 'stale');
    metrics.addMetric('StaleFeatureViews', MetricUnit.Count, stale.length);
    if (stale.length) logger.warn('stale feature views', { views: stale.map((v) => viewKey(v.view, v.version)) });
    return { views, stale: stale.length };
  });
