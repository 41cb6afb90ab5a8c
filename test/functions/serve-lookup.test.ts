import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnlineLookupHandler } from '../../functions/http-online-lookup-handler.js';
import { SCHEMA_HASH_HEADER, schemaHash, serviceSchema } from '../../shared/codegen/service-schema.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { servedTestRepo } from '../helpers/served-repo.js';

// serve answers lookups without the API Gateway event and middy (createServeLookup); the Lambda
// through the middy handler. The two must give every request the same answer.
describe('serve lookup: the same answers as the Lambda handler', () => {
  let store: FeatureStore;
  let base: string;
  let close: () => Promise<void>;
  const maxBodyBytes = 2000;

  beforeAll(async () => ({ store, base, close } = await servedTestRepo({ maxBodyBytes })));
  afterAll(() => close());

  it('on good and bad lookups: bodies, content types, sizes, limits, schema hashes', async () => {
    const lambda = createOnlineLookupHandler(async () => store, { maxBytes: maxBodyBytes });
    const good = { feature_service: 'model_a', entities: { user_id: ['a', 'nope'] } };
    const hash = schemaHash(serviceSchema(await store.context.registry(), 'model_a', false));
    const json = { 'content-type': 'application/json' };
    const cases: [string, Record<string, string>][] = [
      [JSON.stringify(good), json],
      [JSON.stringify({ features: ['activity:sessions', 'activity:model'], entities: { user_id: ['a'] }, full_feature_names: true }), json],
      [JSON.stringify(good), { 'content-type': 'application/json; charset=utf-8' }],
      [JSON.stringify(good), { 'content-type': 'application/vnd.api+json' }],
      [JSON.stringify(good), {}],
      [JSON.stringify(good), { 'content-type': 'text/plain' }],
      ['{not json', json],
      ['', json],
      ['   ', json],
      ['[]', json],
      ['null', json],
      [JSON.stringify({ entities: { user_id: ['a'] } }), json],
      [JSON.stringify({ features: 'activity:sessions', entities: { user_id: ['a'] } }), json],
      [JSON.stringify({ features: ['activity:zzz'], entities: { user_id: ['a'] } }), json],
      [JSON.stringify({ feature_service: 'nope', entities: { user_id: ['a'] } }), json],
      [JSON.stringify({ features: ['activity:sessions'], entities: { user: ['a'] } }), json],
      [JSON.stringify({ features: ['activity:sessions'], entities: { user_id: Array.from({ length: 150 }, (_, i) => `u${i}`) } }), json],
      [JSON.stringify({ features: ['activity:sessions'], entities: { user_id: ['a'.repeat(3000)] } }), json],
      [JSON.stringify(good), { ...json, [SCHEMA_HASH_HEADER]: hash }],
      [JSON.stringify(good), { ...json, [SCHEMA_HASH_HEADER]: ` ${hash} ` }],
      [JSON.stringify(good), { ...json, [SCHEMA_HASH_HEADER]: 'not-the-hash' }],
      [JSON.stringify({ ...good, extra: 1 }), { 'content-type': 'text/plain', [SCHEMA_HASH_HEADER]: 'not-the-hash' }],
      [JSON.stringify({ feature_service: 'nope', entities: {} }), { ...json, [SCHEMA_HASH_HEADER]: 'not-the-hash' }],
      ['{not json', { ...json, [SCHEMA_HASH_HEADER]: 'not-the-hash' }],
    ];
    const statuses = new Set<number>();
    for (const [body, headers] of cases) {
      const viaLambda = await lambda(
        { httpMethod: 'POST', path: '/get-online-features', headers, queryStringParameters: null, body, isBase64Encoded: false },
        {} as never,
      );
      // Bytes, so fetch adds no content type of its own.
      const res = await fetch(`${base}/get-online-features`, { method: 'POST', headers, body: new TextEncoder().encode(body) });
      const text = await res.text();
      expect({ status: res.status, body: text, type: res.headers.get('content-type') }, `${JSON.stringify(headers)} ${body.slice(0, 80)}`).toEqual({
        status: viaLambda.statusCode,
        body: viaLambda.body,
        type: viaLambda.headers['content-type'],
      });
      statuses.add(res.status);
    }
    // The cases reach every answer the route gives.
    expect([...statuses].sort()).toEqual([200, 400, 404, 409, 413, 415]);
  });

  it('leaves other methods and paths to the router', async () => {
    expect((await fetch(`${base}/get-online-features`)).status).toBe(405);
    const slash = await fetch(`${base}/get-online-features/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ feature_service: 'model_a', entities: { user_id: ['a'] } }),
    });
    expect(slash.status).toBe(200);
  });
});
