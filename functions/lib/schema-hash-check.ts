import type middy from '@middy/core';
import { SCHEMA_HASH_HEADER, schemaHash, serviceSchema } from '../../shared/codegen/service-schema.js';
import { SchemaMismatchError } from '../../shared/errors.js';
import { header } from './http-request.js';
import type { StoreProvider } from './store-provider.js';
import type { ApiEvent, ApiResult } from './types.js';

/** The parts of a lookup body the check needs; anything else (or bad JSON) is left to the route's own validation. */
function requested(text: string): { service: string; fullNames: boolean } | undefined {
  try {
    const body = JSON.parse(text) as { feature_service?: unknown; full_feature_names?: unknown } | null;
    return typeof body?.feature_service === 'string' ? { service: body.feature_service, fullNames: body.full_feature_names === true } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The contract check of generated clients (docs/typed-clients.md): a lookup carrying
 * `x-skewless-schema-hash` (`expected`) for a feature service is refused with 409 SCHEMA_MISMATCH
 * when the deployed service's schema hashes differently, before anything is read. Opt-in: without
 * the header (Feast clients, curl) it does nothing and parses nothing. A service that does not
 * exist is left to the route's 404; the body's limits and validation stay the route's.
 */
export async function checkSchemaHash(getStore: StoreProvider, expected: string | undefined, bodyText: string): Promise<void> {
  if (expected === undefined) return;
  const req = requested(bodyText);
  if (!req) return;
  const registry = await (await getStore()).context.registry();
  if (!Object.hasOwn(registry.data.featureServices, req.service)) return;
  const schema = serviceSchema(registry, req.service, req.fullNames);
  const actual = schemaHash(schema);
  if (actual === expected.trim()) return;
  const columns = [...schema.entities, ...schema.request, ...schema.features];
  const pick = (cols: readonly (typeof columns)[number][]) => cols.map(({ name, dtype }) => ({ name, dtype }));
  throw new SchemaMismatchError(req.service, expected.trim().slice(0, 64), {
    hash: actual,
    summary: columns.map((c) => `${c.name}: ${c.dtype}`).join(', '),
    schema: { entities: pick(schema.entities), request: pick(schema.request), features: pick(schema.features) },
  });
}

/** `checkSchemaHash` as the lookup route's middleware (it sees the raw event, ahead of parsing). */
export function schemaHashCheck(getStore: StoreProvider): middy.MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: async (request) => {
      const expected = header(request.event, SCHEMA_HASH_HEADER);
      if (expected === undefined) return;
      const e = request.event;
      await checkSchemaHash(getStore, expected, e.isBase64Encoded ? Buffer.from(e.body ?? '', 'base64').toString('utf8') : (e.body ?? ''));
    },
  };
}
