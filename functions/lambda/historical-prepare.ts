import middy from '@middy/core';
import { z } from 'zod';
import { ValidationError } from '../../shared/errors.js';
import { observability } from '../lib/observability.js';
import { lambdaStore } from './store.js';

/** Step Functions task input: what the training workflow asks for. */
export const PrepareInput = z.object({
  features: z.array(z.string()).optional(),
  feature_service: z.string().optional(),
  full_feature_names: z.boolean().default(false),
  entity_rows: z.array(z.record(z.string(), z.unknown())).min(1),
  output_uri: z.string().regex(/^s3:\/\/[^/]+\/.+/, 'expected s3://bucket/prefix/'),
  dataset_name: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/).optional(),
});

/** Validates references, stages the entity rows, returns the UNLOAD statement for Athena's `.sync` task. */
export const handler = middy()
  .use(observability())
  .handler(async (event: unknown) => {
    const parsed = PrepareInput.safeParse(event);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new ValidationError(`invalid training request: ${i.path.join('.')}: ${i.message}`, parsed.error.issues.map((x) => ({ field: x.path.join('.'), message: x.message })));
    }
    const r = parsed.data;
    const store = await lambdaStore();
    return store.prepareTrainingDataset({
      ...(r.features ? { features: r.features } : {}),
      ...(r.feature_service ? { featureService: r.feature_service } : {}),
      fullFeatureNames: r.full_feature_names,
      entityRows: r.entity_rows,
      outputUri: r.output_uri,
      ...(r.dataset_name ? { name: r.dataset_name } : {}),
    });
  });
