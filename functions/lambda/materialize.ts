import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../shared/errors.js';
import { parseInstantResult } from '../../shared/util/time.js';
import { logger, metrics, observability } from '../lib/observability.js';
import { lambdaStore } from './store.js';

const instant = z.string().transform((v, ctx) => {
  const r = parseInstantResult(v, { requireZone: true });
  if (r.ok) return r.date;
  ctx.addIssue({ code: 'custom', message: r.message });
  return z.NEVER;
});

/**
 * EventBridge schedule (input transformer `{ views, time: <$.time>, scheduled: true }`: the
 * scheduled time is the window's end) or a direct invoke with an explicit window.
 */
export const MaterializeEvent = z.object({
  views: z.array(z.string()).optional(),
  start: instant.optional(),
  end: instant.optional(),
  time: instant.optional(),
  /** Set by the stack's schedules: views not registered yet (deployed before `apply`) are skipped, not an error. */
  scheduled: z.boolean().optional(),
});

export const handler = middy()
  .use(observability())
  .handler(async (event: unknown) => {
    const parsed = MaterializeEvent.safeParse(event);
    if (!parsed.success) throw new ValidationError(`invalid materialize event: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, []);
    const e = parsed.data;
    const store = await lambdaStore();
    const end = e.end ?? e.time ?? new Date();
    let requested = e.views;
    const skipped: string[] = [];
    if (e.scheduled && requested) {
      const registry = await store.context.registry();
      const known = (ref: string) => {
        try {
          registry.view(ref);
          return true;
        } catch (err) {
          if (err instanceof NotFoundError) return false;
          throw err;
        }
      };
      skipped.push(...requested.filter((v) => !known(v)));
      requested = requested.filter(known);
      if (skipped.length) logger.warn('scheduled views are not in the registry yet (run skewless apply); skipped', { views: skipped });
      if (!requested.length) return { materialized: [], skipped };
    }
    const views = requested ? { views: requested } : {};
    const result = e.start ? await store.materialize({ start: e.start, end, ...views }) : await store.materializeIncremental({ end, ...views });
    for (const r of result) {
      metrics.addMetric('RowsMaterialized', MetricUnit.Count, r.rows);
      logger.info('materialized', { ...r });
    }
    return { materialized: result, ...(skipped.length ? { skipped } : {}) };
  });
