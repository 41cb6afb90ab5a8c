import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../functions/dev-server/dev-server.js';
import { createOnlineLookupHandler } from '../../functions/http-online-lookup-handler.js';
import { generateClients } from '../../shared/codegen/generate.js';
import { writeGenerated } from '../../shared/codegen/write-files.js';
import { Float64 } from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { Registry } from '../../shared/registry/registry.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { codegenDefinitions, prepareClientDir } from './fixture.js';

/** 2^60 + 1: past 2^53, so the API carries it as a decimal string and the client must keep every digit. */
const BIG = 2n ** 60n + 1n;

describe('a generated client against serve (in process)', () => {
  const tmp = tempDir();
  const clock = { now: new Date('2026-03-01T12:00:00Z') };
  let store: FeatureStore;
  let base: string;
  let close: () => Promise<void>;
  let generated: any;

  beforeAll(async () => {
    store = openTestStore(join(tmp.dir, 'repo'), clock);
    await store.apply(codegenDefinitions().all);
    await store.push({
      pushSourceName: 'driver_events',
      df: {
        driver_id: [1],
        event_timestamp: ['2026-03-01T11:00:00Z'],
        rate: [1.5],
        trips: [BIG.toString()],
        rank: [3],
        city: ['Oslo'],
        active: [true],
        payload: ['AQID'],
        last_seen: ['2026-02-28T10:30:00.123Z'],
        tags: [['a', null]],
        scores: [[0.5, null]],
      },
    });
    const srv = await startServer({ getStore: async () => store, port: 0 });
    base = `http://127.0.0.1:${srv.port}`;
    close = srv.close;
    const app = join(tmp.dir, 'app');
    writeGenerated(join(app, 'client'), generateClients(new Registry((await store.registryDump())!), 'test'));
    prepareClientDir(app);
    generated = await import(join(app, 'client/index.ts'));
  });
  afterAll(async () => (await close(), await store.close(), tmp.cleanup()));

  const lookup = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/get-online-features`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('returns typed rows: Int64 as exact bigint, instants as Date, bytes as Uint8Array, arrays with their nulls, statuses per feature', async () => {
    const client = generated.createClient({ baseUrl: base });
    const [found, missing] = await client.driverProfile.get({ driver_id: [1n, 99] });
    expect(found.entity).toEqual({ driver_id: 1n });
    expect(found.values).toEqual({
      rate: 1.5,
      trips: BIG,
      rank: 3,
      city: 'Oslo',
      active: true,
      payload: new Uint8Array([1, 2, 3]),
      last_seen: new Date('2026-02-28T10:30:00.123Z'),
      tags: ['a', null],
      scores: [0.5, null],
    });
    expect(Object.values(found.statuses)).toEqual(Array(9).fill('PRESENT'));
    expect(found.eventTimestamps.trips).toEqual(new Date('2026-03-01T11:00:00Z'));
    expect(missing.entity).toEqual({ driver_id: 99n });
    expect(Object.values(missing.values)).toEqual(Array(9).fill(null));
    expect(missing.statuses.city).toBe('NOT_FOUND');
  });

  it('returns what the raw route returns, row by row (request data and on-demand features included)', async () => {
    const client = generated.createClient({ baseUrl: base });
    const rows = await client.pricing.get({ driver_id: [1, 2], distance_km: [10, 4] });
    const raw = (await (await lookup({ feature_service: 'pricing', entities: { driver_id: [1, 2], distance_km: [10, 4] } })).json()) as {
      metadata: { feature_names: string[] };
      results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[];
    };
    expect(raw.metadata.feature_names).toEqual(['driver_id', 'fare', 'rate', 'trips']);
    const names = raw.metadata.feature_names.slice(1);
    const fromRaw = [0, 1].map((j) => ({
      entity: { driver_id: BigInt(raw.results[0].values[j] as number) },
      values: Object.fromEntries(
        names.map((n, i) => [
          n,
          raw.results[i + 1].values[j] === null ? null : n === 'trips' ? BigInt(raw.results[i + 1].values[j] as string) : raw.results[i + 1].values[j],
        ]),
      ),
      statuses: Object.fromEntries(names.map((n, i) => [n, raw.results[i + 1].statuses[j]])),
      eventTimestamps: Object.fromEntries(names.map((n, i) => [n, new Date(raw.results[i + 1].event_timestamps[j])])),
    }));
    expect(rows).toEqual(fromRaw);
    expect(rows[0].values).toEqual({ fare: 15, rate: 1.5, trips: BIG });
    expect(rows[1].values).toEqual({ fare: 8, rate: null, trips: null });
  });

  it('gets 409 SCHEMA_MISMATCH naming the service and the change once the deployed service changed; without the header nothing changes', async () => {
    const client = generated.createClient({ baseUrl: base });
    const hash = client.pricing.schema.hash;
    expect((await lookup({ feature_service: 'pricing', entities: { driver_id: [1], distance_km: [1] } }, { 'x-skewless-schema-hash': hash })).status).toBe(200);

    // A breaking change, registered the supported way: driver_stats@v2 retypes trips, promoted at once.
    await store.apply(codegenDefinitions({ tripsType: Float64, statsVersion: 2 }).all, { promote: true });

    const err = await client.pricing.get({ driver_id: [1], distance_km: [1] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(generated.SchemaMismatchError);
    expect(err.status).toBe(409);
    expect(err.changes).toEqual(["features: 'trips' changed type Int64 → Float64"]);
    expect(err.message).toBe(
      "feature service 'pricing' changed since this client was generated: features: 'trips' changed type Int64 → Float64. Regenerate it with `skewless codegen`",
    );

    const res = await lookup({ feature_service: 'pricing', entities: { driver_id: [1], distance_km: [1] } }, { 'x-skewless-schema-hash': hash });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string; details: { service: string; expected: string; actual: string } } };
    expect(body.error.code).toBe('SCHEMA_MISMATCH');
    expect(body.error.message).toMatch(
      /^feature service 'pricing' no longer matches the client's schema \(client hash [0-9a-f]{16}, deployed hash [0-9a-f]{16}\)/,
    );
    expect(body.error.message).toContain('trips: Float64');
    expect(body.error.details).toMatchObject({ service: 'pricing', expected: hash });
    expect(body.error.details.actual).not.toBe(hash);

    // Feast clients (no header) and clients that opt out keep working; the other service did not change for them either.
    expect((await lookup({ feature_service: 'pricing', entities: { driver_id: [1], distance_km: [1] } })).status).toBe(200);
    const optedOut = generated.createClient({ baseUrl: base, checkSchema: false });
    const [row] = await optedOut.pricing.get({ driver_id: [1], distance_km: [1] });
    expect(row.statuses).toEqual({ fare: 'PRESENT', rate: 'NOT_FOUND', trips: 'NOT_FOUND' });

    // The Lambda handler runs the same check.
    const handler = createOnlineLookupHandler(async () => store);
    const event = {
      httpMethod: 'POST',
      path: '/get-online-features',
      headers: { 'X-Skewless-Schema-Hash': hash },
      queryStringParameters: null,
      body: JSON.stringify({ feature_service: 'pricing', entities: { driver_id: [1], distance_km: [1] } }),
      isBase64Encoded: false,
    };
    const viaLambda = await handler(event, {} as never);
    expect(viaLambda.statusCode).toBe(409);
    expect(JSON.parse(viaLambda.body).error.code).toBe('SCHEMA_MISMATCH');
  });

  it('leaves requests it cannot check to the route: feature lists, unknown services (404) and bad JSON (400)', async () => {
    const h = { 'x-skewless-schema-hash': '0000000000000000' };
    expect((await lookup({ features: ['driver_stats:rate'], entities: { driver_id: [1] } }, h)).status).toBe(200);
    const unknown = await lookup({ feature_service: 'nope', entities: { driver_id: [1] } }, h);
    expect(unknown.status).toBe(404);
    const bad = await fetch(`${base}/get-online-features`, { method: 'POST', headers: { 'content-type': 'application/json', ...h }, body: '{not json' });
    expect(bad.status).toBe(400);
  });
});
