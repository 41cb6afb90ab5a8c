import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.js';
import { compactOffline } from '../../shared/services/compact.js';
import { chunkStep, finishStep, planStep } from '../../shared/services/materialize-workflow.js';
import { parseInstantResult } from '../../shared/util/time.js';
import { eventEnvelope } from '../lib/envelopes.js';
import { logger, metrics, observability } from '../lib/observability.js';
import { parseInput, type InputSchema } from '../lib/parse-input.js';
import { lambdaStore } from '../lib/lambda-store.js';
import '../lib/query-engine.js';

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

/** The steps of the fan-out state machine (infra/materialization-workflow.ts): plan → Distributed Map of chunks → finish. */
export const MaterializeWorkflowEvent = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('plan'),
    view: z.string(),
    start: instant.optional(),
    end: instant.optional(),
    time: instant.optional(),
    chunkBytes: z.number().int().positive().optional(),
  }),
  z.object({ action: z.literal('chunk'), runId: z.string().min(1), chunk: z.number().int().nonnegative() }),
  z.object({ action: z.literal('finish'), runId: z.string().min(1) }),
  // Scheduled small-file compaction of offline pushes (same function: it already reads offline data).
  z.object({ action: z.literal('compact'), views: z.array(z.string()).optional() }),
]);

type MaterializeEvent = z.output<typeof MaterializeEvent>;
type MaterializeWorkflowEvent = z.output<typeof MaterializeWorkflowEvent>;
export type MaterializeInput = MaterializeEvent | MaterializeWorkflowEvent;

const isWorkflowEvent = (event: unknown): boolean => typeof event === 'object' && event !== null && 'action' in event;

/** Every event this function accepts: a workflow step when it names an `action`, else a schedule or direct invoke (the EventBridge contract test parses with it). */
export const MaterializeInput: InputSchema<MaterializeInput> = {
  safeParse: (event: unknown) => (isWorkflowEvent(event) ? MaterializeWorkflowEvent.safeParse(event) : MaterializeEvent.safeParse(event)),
};

async function workflowStep(e: MaterializeWorkflowEvent) {
  const ctx = (await lambdaStore()).context;
  if (e.action === 'plan') {
    const planned = await planStep(ctx, {
      view: e.view,
      end: e.end ?? e.time ?? ctx.now(),
      ...(e.start ? { start: e.start } : {}),
      ...(e.chunkBytes ? { chunkBytes: e.chunkBytes } : {}),
    });
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

/** A schedule or a direct invoke: the views' windows up to `end` (the scheduled time, else the store's clock). */
async function scheduledOrDirect(e: MaterializeEvent) {
  const store = await lambdaStore();
  const end = e.end ?? e.time ?? store.context.now();
  // A window too large for one invocation resumes from its checkpoints on the next one.
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
}

export const handler = middy<MaterializeInput, unknown>()
  .use(observability())
  .use(parseInput(MaterializeInput, eventEnvelope<MaterializeInput>(), 'materialize event'))
  .handler(async (event) => ('action' in event ? workflowStep(event) : scheduledOrDirect(event)));
