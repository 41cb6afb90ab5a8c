import middy from '@middy/core';
import { z } from 'zod';
import { ValidationError } from '../../shared/errors.js';
import { eventEnvelope } from '../lib/envelopes.js';
import { observability } from '../lib/observability.js';
import { parseInput } from '../lib/parse-input.js';
import { lambdaStore } from '../lib/lambda-store.js';

const STAGE_PREFIX = /^(?:[A-Za-z0-9_=-][A-Za-z0-9_.=-]*\/)*_staging\/([0-9a-f]{32})\/$/;

export const FinalizeInput = z.object({
  prepared: z
    .object({ name: z.string(), features: z.array(z.string()), table: z.string().regex(/^skewless_entity_[0-9a-f]+$/), stagePrefix: z.string(), outputUri: z.string().regex(/^s3:\/\/[^/]+\/.+\/$/) })
    // Finalize deletes everything under stagePrefix: only the staging layout that prepare writes,
    // `<prefix>/_staging/<id>/` with the id of the staging table, is accepted (issue 11 item 13).
    .refine((p) => STAGE_PREFIX.exec(p.stagePrefix)?.[1] === p.table.slice('skewless_entity_'.length), {
      path: ['stagePrefix'],
      message: "expected '<prefix>/_staging/<id>/' matching the staging table skewless_entity_<id>",
    }),
  /** Present on the Catch path: the error of a failed step. */
  error: z.unknown().optional(),
});
export type FinalizeInput = z.output<typeof FinalizeInput>;

/** Cleans up the staging table; on success returns the dataset's S3 URI, row count and schema. */
export const handler = middy<FinalizeInput, unknown>()
  .use(observability())
  .use(parseInput(FinalizeInput, eventEnvelope<FinalizeInput>(), 'finalize input'))
  .handler(async (input) => {
    const store = await lambdaStore();
    const root = `${(store.config.aws?.prefix ?? 'offline').replace(/\/+$/, '')}/_staging/`;
    if (!input.prepared.stagePrefix.startsWith(root)) {
      throw new ValidationError(`invalid finalize input: prepared.stagePrefix: expected it under ${root}`, [{ field: 'prepared.stagePrefix', message: `expected it under ${root}` }]);
    }
    return store.finishTrainingDataset(input.prepared, input.error === undefined);
  });
