import middy from '@middy/core';
import { z } from 'zod';
import { MAX_INLINE_ENTITY_ROWS } from '../../shared/services/training-dataset.js';
import { eventEnvelope } from '../lib/envelopes.js';
import { observability } from '../lib/observability.js';
import { parseInput } from '../lib/parse-input.js';
import { lambdaStore } from '../lib/lambda-store.js';
import '../lib/query-engine.js';

/** Step Functions task input: what the training workflow asks for. */
export const PrepareInput = z
  .object({
    features: z.array(z.string()).optional(),
    feature_service: z.string().optional(),
    full_feature_names: z.boolean().default(false),
    /** Small sets only (the request travels in Step Functions state, 256 KB cap); use entity_uri otherwise. */
    entity_rows: z
      .array(z.record(z.string(), z.unknown()))
      .min(1)
      .max(MAX_INLINE_ENTITY_ROWS, `at most ${MAX_INLINE_ENTITY_ROWS} rows inline; pass larger sets as entity_uri (Parquet or CSV in S3)`)
      .optional(),
    /** The main path: entity rows in a Parquet or CSV object in S3 (join keys, event_timestamp, any extra columns). */
    entity_uri: z
      .string()
      .regex(/^s3:\/\/[^/]+\/.+[^/]$/, 'expected s3://bucket/key of a Parquet or CSV object')
      .optional(),
    entity_format: z.enum(['parquet', 'csv']).optional(),
    output_uri: z.string().regex(/^s3:\/\/[^/]+\/.+/, 'expected s3://bucket/prefix/'),
    dataset_name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,128}$/)
      .optional(),
  })
  .refine((r) => (r.entity_rows === undefined) !== (r.entity_uri === undefined), {
    message: 'give exactly one of entity_rows (small sets) and entity_uri (s3:// Parquet or CSV)',
    path: ['entity_uri'],
  });
export type PrepareInput = z.output<typeof PrepareInput>;

/**
 * Validates references and the output URI, stages the entity rows (from S3 or inline), returns
 * references for the rest of the workflow: the UNLOAD statement, its token, staging and output names.
 */
export const handler = middy<PrepareInput, unknown>()
  .use(observability())
  .use(parseInput(PrepareInput, eventEnvelope<PrepareInput>(), 'training request'))
  .handler(async (r) => {
    const store = await lambdaStore();
    return store.prepareTrainingDataset({
      ...(r.features ? { features: r.features } : {}),
      ...(r.feature_service ? { featureService: r.feature_service } : {}),
      fullFeatureNames: r.full_feature_names,
      ...(r.entity_rows ? { entityRows: r.entity_rows } : {}),
      ...(r.entity_uri ? { entitySource: { uri: r.entity_uri, ...(r.entity_format ? { format: r.entity_format } : {}) } } : {}),
      outputUri: r.output_uri,
      ...(r.dataset_name ? { name: r.dataset_name } : {}),
    });
  });
