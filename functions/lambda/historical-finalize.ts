import middy from '@middy/core';
import { z } from 'zod';
import { observability } from '../lib/observability.js';
import { lambdaStore } from './store.js';

export const FinalizeInput = z.object({
  prepared: z.object({ name: z.string(), features: z.array(z.string()), table: z.string().regex(/^skewless_entity_[0-9a-f]+$/), stagePrefix: z.string(), outputUri: z.string().regex(/^s3:\/\/[^/]+\/.+\/$/) }),
  /** Present on the Catch path: the error of a failed step. */
  error: z.unknown().optional(),
});

/** Cleans up the staging table; on success returns the dataset's S3 URI, row count and schema. */
export const handler = middy()
  .use(observability())
  .handler(async (event: unknown) => {
    const input = FinalizeInput.parse(event);
    const store = await lambdaStore();
    return store.finishTrainingDataset(input.prepared, input.error === undefined);
  });
