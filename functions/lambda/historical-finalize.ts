import middy from '@middy/core';
import { z } from 'zod';
import { ValidationError } from '../../shared/errors.js';
import { ENTITY_TABLE_PREFIX, entityTableIdOf, entityTableName } from '../../shared/layout/glue-names.js';
import { S3_PREFIX, stagingIdOf, stagingPrefix, stagingRoot } from '../../shared/layout/s3-layout.js';
import { eventEnvelope } from '../lib/envelopes.js';
import { observability } from '../lib/observability.js';
import { parseInput } from '../lib/parse-input.js';
import { lambdaStore } from '../lib/lambda-store.js';
import '../lib/query-engine.js';

export const FinalizeInput = z.object({
  prepared: z
    .object({
      name: z.string(),
      features: z.array(z.string()),
      table: z.string().refine((t) => entityTableIdOf(t) !== undefined, { message: `expected ${ENTITY_TABLE_PREFIX}<hex id>` }),
      stagePrefix: z.string(),
      outputUri: z.string().regex(/^s3:\/\/[^/]+\/.+\/$/),
    })
    // Finalize deletes everything under stagePrefix: only the staging layout that prepare writes,
    // `<prefix>/_staging/<id>/` with the id of the staging table, is accepted (issue 11 item 13).
    .refine((p) => stagingIdOf(p.stagePrefix) !== undefined && stagingIdOf(p.stagePrefix) === entityTableIdOf(p.table), {
      path: ['stagePrefix'],
      message: `expected '${stagingPrefix('<prefix>', '<id>')}' matching the staging table ${entityTableName('<id>')}`,
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
    const root = stagingRoot(store.config.aws?.prefix ?? S3_PREFIX.offline);
    if (!input.prepared.stagePrefix.startsWith(root)) {
      throw new ValidationError(`invalid finalize input: prepared.stagePrefix: expected it under ${root}`, [
        { field: 'prepared.stagePrefix', message: `expected it under ${root}` },
      ]);
    }
    return store.finishTrainingDataset(input.prepared, input.error === undefined);
  });
