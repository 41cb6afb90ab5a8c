import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { ValidationError } from '../../shared/errors.js';
import { compactOffline } from '../../shared/services/compact.js';
import { chunkStep, finishStep, planStep } from '../../shared/services/materialize-workflow.js';
import { parseInstant } from '../../shared/util/time.js';
import { logger, metrics, observability } from '../lib/observability.js';
import { lambdaStore } from './store.js';

const instant = z.string().transform((v, ctx) => parseInstant(v) ?? (ctx.addIssue({ code: 'custom', message: 'expected an RFC 3339 timestamp' }), z.NEVER));

/** EventBridge schedule (rule input `{ views }`, event `time` = end) or a direct invoke with an explicit window. */
export const MaterializeEvent = z.object({
  views: z.array(z.string()).optional(),
  start: instant.optional(),
  end: instant.optional(),
  time: instant.optional(),
});

/** The steps of the fan-out state machine (infra/materialization-workflow.ts): plan → Distributed Map of chunks → finish. */
export const MaterializeWorkflowEvent = z.discriminatedUnion('action', [
  z.object({ action: z.literal('plan'), view: z.string(), start: instant.optional(), end: instant.optional(), time: instant.optional(), chunkBytes: z.number().int().positive().optional() }),
  z.object({ action: z.literal('chunk'), runId: z.string().min(1), chunk: z.number().int().nonnegative() }),
  z.object({ action: z.literal('finish'), runId: z.string().min(1) }),
  // Scheduled small-file compaction of offline pushes (same function: it already reads offline data).
  z.object({ action: z.literal('compact'), views: z.array(z.string()).optional() }),
]);

function parse<T extends z.ZodType>(schema: T, event: unknown): z.infer<T> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) throw new ValidationError(`invalid materialize event: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, []);
  return parsed.data;
}

async function workflowStep(event: unknown) {
  const e = parse(MaterializeWorkflowEvent, event);
  const ctx = (await lambdaStore()).context;
  if (e.action === 'plan') {
    const planned = await planStep(ctx, { view: e.view, end: e.end ?? e.time ?? new Date(), ...(e.start ? { start: e.start } : {}), ...(e.chunkBytes ? { chunkBytes: e.chunkBytes } : {}) });
    logger.info('materialization planned', { ...planned });
    return planned;
  }
  if (e.action === 'compact') {
    const compacted = await compactOffline(ctx, e.views ? { views: e.views } : {});
    logger.info('compacted', { compacted });
    return { compacted };
  }
  if (e.action === 'chunk') {
    const r = await chunkStep(ctx, e);
    metrics.addMetric('RowsMaterialized', MetricUnit.Count, r.rows);
    return r;
  }
  const r = await finishStep(ctx, e);
  logger.info('materialized', { ...r });
  return r;
}

export const handler = middy()
  .use(observability())
  .handler(async (event: unknown) => {
    if (event && typeof event === 'object' && 'action' in event) return workflowStep(event);
    const e = parse(MaterializeEvent, event);
    const store = await lambdaStore();
    const end = e.end ?? e.time ?? new Date();
    const views = e.views ? { views: e.views } : {};
    // A window too large for one invocation resumes from its checkpoints on the next one.
    const result = e.start ? await store.materialize({ start: e.start, end, ...views }) : await store.materializeIncremental({ end, ...views });
    for (const r of result) {
      metrics.addMetric('RowsMaterialized', MetricUnit.Count, r.rows);
      logger.info('materialized', { ...r });
    }
    return { materialized: result };
  });
