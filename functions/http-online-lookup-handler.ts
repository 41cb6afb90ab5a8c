import type { z } from 'zod';
import { SCHEMA_HASH_HEADER } from '../shared/codegen/service-schema.js';
import { OnlineLookupBody } from '../shared/http/schemas.js';
import { jsonBody } from './lib/envelopes.js';
import { JsonBytes, jsonRoute } from './lib/http-middleware.js';
import { assertJsonMediaType } from './lib/http-request.js';
import { checkColumnsCap } from './lib/limits.js';
import { parseWith } from './lib/parse-input.js';
import { checkSchemaHash, schemaHashCheck } from './lib/schema-hash-check.js';
import type { StoreProvider } from './lib/store-provider.js';

export { OnlineLookupBody };

/** The lookup of a valid body, answered as JSON bytes: what the Lambda's handler and `serve` both run. */
function lookup(getStore: StoreProvider) {
  return async (body: z.output<typeof OnlineLookupBody>): Promise<JsonBytes> => {
    const store = await getStore();
    checkColumnsCap(body.entities, 'entities', store.config.limits);
    // Serialized for the response's known shape, stored values copied as text (shared/services/online-response.ts).
    return new JsonBytes(
      await store.getOnlineFeaturesJson({
        ...(body.features ? { features: body.features } : {}),
        ...(body.feature_service !== undefined ? { featureService: body.feature_service } : {}),
        entities: body.entities,
        fullFeatureNames: body.full_feature_names,
      }),
    );
  };
}

/** POST /get-online-features (Feast JSON). */
export function createOnlineLookupHandler(getStore: StoreProvider, options: { maxBytes?: number } = {}) {
  return jsonRoute(OnlineLookupBody, lookup(getStore), { ...options, before: [schemaHashCheck(getStore)] });
}

/**
 * The same route for `serve`, from the request's body text and headers: the handler's checks in its
 * order (schema hash, media type, size, JSON, schema, limits), with the same errors, without an API
 * Gateway event and middy's machinery per request — ~20 % of a 1-entity lookup's CPU in `serve`
 * (docs/performance.md). test/functions/serve-lookup.test.ts holds the two to the same answers.
 */
export function createServeLookup(getStore: StoreProvider, options: { maxBytes?: number } = {}) {
  const run = lookup(getStore);
  const parse = parseWith(OnlineLookupBody, 'request', '(body)');
  return async (body: string, header: (lowerCaseName: string) => string | undefined): Promise<JsonBytes> => {
    await checkSchemaHash(getStore, header(SCHEMA_HASH_HEADER), body);
    assertJsonMediaType(header('content-type'));
    return run(parse(jsonBody(body, options.maxBytes)));
  };
}
