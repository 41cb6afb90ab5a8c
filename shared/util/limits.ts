import { z } from 'zod';
import { ENV } from '../layout/env.js';

/**
 * Request limits and the clock-skew allowance (issue 11 items 1, 2, 12): `limits` in skewless.json, or
 * SKEWLESS_MAX_CLOCK_SKEW_SECONDS / SKEWLESS_MAX_ROWS_PER_PUSH / SKEWLESS_MAX_ENTITIES_PER_LOOKUP in Lambda.
 * The defaults fit what API Gateway (10 MB request) and Lambda (6 MB response) carry.
 */
export const LimitsSchema = z
  .object({
    /** How far past the store's clock an event time or a materialization end may be (default 5 min). */
    maxClockSkewSeconds: z.number().int().min(0).default(300),
    /** Rows in one push request (413 above). */
    maxRowsPerPush: z.number().int().positive().default(10_000),
    /** Entity rows in one online lookup (413 above); each is a row of every requested view. */
    maxEntitiesPerLookup: z.number().int().positive().default(1_000),
  })
  .strict()
  .prefault({});
export type Limits = z.output<typeof LimitsSchema>;

export const DEFAULT_LIMITS: Limits = LimitsSchema.parse({});

/** Environment overrides of the limits (Lambda). */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<Limits> {
  const o: Partial<Limits> = {};
  const num = (k: string) => (env[k] !== undefined && env[k] !== '' ? Number(env[k]) : undefined);
  const skew = num(ENV.maxClockSkewSeconds);
  const rows = num(ENV.maxRowsPerPush);
  const entities = num(ENV.maxEntitiesPerLookup);
  if (skew !== undefined) o.maxClockSkewSeconds = skew;
  if (rows !== undefined) o.maxRowsPerPush = rows;
  if (entities !== undefined) o.maxEntitiesPerLookup = entities;
  return o;
}
