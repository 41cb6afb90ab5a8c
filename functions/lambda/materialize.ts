import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { ValidationError } from '../../shared/errors.js';
import { parseInstantResult } from '../../shared/util/time.js';
import { logger, metrics, observability } from '../lib/observability.js';
import { lambdaStore } from './store.js';

const instant = z.string().transform((v, ctx) => {
  const r = parseInstantResult(v, { requireZone: true });
  if (r.ok) return r.date;
  ctx.addIssue({ code: 'custom', message: r.message });
  return z.NEVER;
});

/** EventBridge schedule (rule input `{ views }`, event `time` = end) or a direct invoke with an explicit window. */
export const MaterializeEvent = z.object({
  views: z.array(z.string()).optional(),
  start: instant.optional(),
  end: instant.optional(),
  time: instant.optional(),
});

export const handler = middy()
  .use(observability())
  .handler(async (event: unknown) => {
    const parsed = MaterializeEvent.safeParse(event);
    if (!parsed.success) throw new ValidationError(`invalid materialize event: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, []);
    const e = parsed.data;
    const store = await lambdaStore();
    const end = e.end ?? e.time ?? new Date();
    const views = e.views ? { views: e.views } : {};
    const result = e.start ? await store.materialize({ start: e.start, end, ...views }) : await store.materializeIncremental({ end, ...views });
    for (const r of result) {
      metrics.addMetric('RowsMaterialized', MetricUnit.Count, r.rows);
      logger.info('materialized', { ...r });
    }
    return { materialized: result };
  });
