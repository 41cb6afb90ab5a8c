import { z } from 'zod';
import { ERROR_CODES } from '../errors.js';
import { columnMap } from '../services/rows.js';
import { parseInstantResult } from '../util/time.js';

/**
 * The one home of the HTTP API's contract: the zod schemas the handlers validate request bodies
 * with and the schemas of what they answer. The OpenAPI document (`skewless openapi`, `GET
 * /openapi.json`) and the API Gateway request models are generated from these, so the documented,
 * the enforced and the deployed shapes cannot drift apart. `.meta()` gives the JSON Schema of the
 * few fields checked by code rather than by zod's own types (column maps, instants).
 */

/** Named request bodies (OpenAPI components, converted as the client sends them). */
export const REQUEST_SCHEMAS = z.registry<{ id: string; description?: string }>();
/** Named responses (converted as the server answers them). */
export const RESPONSE_SCHEMAS = z.registry<{ id: string; description?: string }>();

/** Feast's column-oriented data: `{ "name": [values] }`, every column one value per row. */
const columns = (description: string) => columnMap().meta({ description, type: 'object', additionalProperties: { type: 'array', items: {} } });

/** An instant with a zone: RFC 3339 text (epoch seconds are accepted too). */
const instant = z
  .unknown()
  .transform((v, ctx) => {
    const r = parseInstantResult(v, { requireZone: true });
    if (r.ok) return r.date;
    ctx.addIssue({ code: 'custom', message: r.message });
    return z.NEVER;
  })
  .meta({ type: 'string', format: 'date-time', description: 'RFC 3339 with a zone (Z or ±hh:mm)' });

export const OnlineLookupBody = z.object({
  features: z.array(z.string()).optional().meta({ description: "feature references 'view:feature' or 'view@vN:feature' (or give feature_service)" }),
  feature_service: z.string().optional().meta({ description: 'a feature service name (or give features)' }),
  entities: columns('join key and request-data columns: { "user_id": ["u1", "u2"] }'),
  full_feature_names: z.boolean().default(false).meta({ description: "name columns 'view__feature'" }),
});
REQUEST_SCHEMAS.add(OnlineLookupBody, { id: 'GetOnlineFeaturesRequest' });

export const PushBody = z.object({
  push_source_name: z.string(),
  df: columns('rows to push, column-oriented, with the join keys and the event timestamp column'),
  to: z.enum(['online', 'offline', 'online_and_offline']).default('online'),
});
export type PushBody = z.output<typeof PushBody>;
REQUEST_SCHEMAS.add(PushBody, { id: 'PushRequest' });

export const MaterializeBody = z.object({ start_ts: instant, end_ts: instant, feature_views: z.array(z.string()).optional() });
REQUEST_SCHEMAS.add(MaterializeBody, { id: 'MaterializeRequest' });
export const MaterializeIncrementalBody = z.object({ end_ts: instant, feature_views: z.array(z.string()).optional() });
REQUEST_SCHEMAS.add(MaterializeIncrementalBody, { id: 'MaterializeIncrementalRequest' });

// ---- responses --------------------------------------------------------------------------------

export const FeatureStatusSchema = z.enum(['PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE', 'NULL_VALUE']);

export const OnlineFeaturesResponseSchema = z.object({
  metadata: z.object({ feature_names: z.array(z.string()), warnings: z.array(z.string()).optional() }),
  results: z.array(
    z.object({
      values: z.array(z.unknown()).meta({ description: "one value per entity row, typed as the feature's dtype (Int64 past 2^53 as a decimal string)" }),
      statuses: z.array(FeatureStatusSchema),
      event_timestamps: z.array(z.string()),
    }),
  ),
});
RESPONSE_SCHEMAS.add(OnlineFeaturesResponseSchema, {
  id: 'GetOnlineFeaturesResponse',
  description: "Feast's column-oriented vectors: results[i] is column i (join keys first), values[j] is entity row j",
});

const written = { written: z.number().int(), skipped: z.number().int() };

export const PushResponseSchema = z.object({
  rows: z.number().int(),
  online: z.array(z.object({ view: z.string(), ...written })),
  offline: z.object({ path: z.string() }).optional(),
});
RESPONSE_SCHEMAS.add(PushResponseSchema, { id: 'PushResponse' });

export const MaterializeResponseSchema = z.object({
  materialized: z.array(z.object({ view: z.string(), start: z.string(), end: z.string(), rows: z.number().int(), ...written })),
});
RESPONSE_SCHEMAS.add(MaterializeResponseSchema, { id: 'MaterializeResponse' });

export const FreshnessResponseSchema = z.object({
  views: z.array(
    z.object({
      view: z.string(),
      version: z.number().int(),
      watermark: z.string().nullable(),
      lastWriteAt: z.string().nullable(),
      ageSeconds: z.number().nullable(),
      slaSeconds: z.number().nullable(),
      status: z.enum(['fresh', 'stale', 'no_sla']),
    }),
  ),
  stale: z.number().int(),
});
RESPONSE_SCHEMAS.add(FreshnessResponseSchema, { id: 'FreshnessResponse' });

export const HealthResponseSchema = z.object({ status: z.literal('ok') });
RESPONSE_SCHEMAS.add(HealthResponseSchema, { id: 'HealthResponse' });

/** Every error answer (`errorBody` in shared/errors.ts). */
export const ErrorResponseSchema = z.object({
  error: z.object({ code: z.enum([...ERROR_CODES]), message: z.string(), details: z.unknown().optional() }),
});
RESPONSE_SCHEMAS.add(ErrorResponseSchema, { id: 'ErrorResponse' });
