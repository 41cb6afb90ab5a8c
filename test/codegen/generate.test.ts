import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generateClients } from '../../shared/codegen/generate.js';
import { schemaHash, serviceSchema } from '../../shared/codegen/service-schema.js';
import { Entity, FeatureService, FeatureView, Field, FileSource, Int64 } from '../../shared/definitions/index.js';
import { ValidationError } from '../../shared/errors.js';
import { Registry } from '../../shared/registry/registry.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { BIOME, BIOME_CONFIG, codegenDefinitions } from './fixture.js';

async function registryOf(defs: Parameters<ReturnType<typeof openTestStore>['apply']>[0], options: { promote?: boolean } = {}): Promise<Registry> {
  const tmp = tempDir();
  const store = openTestStore(tmp.dir, { now: new Date('2026-01-01T00:00:00Z') });
  try {
    await store.apply(defs, options);
    return new Registry((await store.registryDump())!);
  } finally {
    await store.close();
    tmp.cleanup();
  }
}

describe('generateClients: typed clients of every feature service', () => {
  it('is deterministic: the same definitions applied twice (in another order) give the same bytes', async () => {
    const a = generateClients(await registryOf(codegenDefinitions().all), 'test');
    const b = generateClients(await registryOf([...codegenDefinitions().all].reverse()), 'test');
    expect([...a.keys()]).toEqual(['client.ts', 'sigv4.ts', 'driver-profile.ts', 'pricing.ts', 'index.ts']);
    for (const [name, text] of a) expect(b.get(name), name).toBe(text);
  });

  it('prints every file exactly as Biome formats it (the repo style)', async () => {
    const files = generateClients(await registryOf(codegenDefinitions().all), 'test');
    for (const [name, text] of files) {
      const r = spawnSync(process.execPath, [BIOME, 'format', `--config-path=${BIOME_CONFIG}`, `--stdin-file-path=${name}`], { input: text, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, name).toBe(text);
    }
  });

  it('types each dtype as documented: Int64 bigint, instants Date, bytes Uint8Array, arrays of nullable elements, all nullable', async () => {
    const text = generateClients(await registryOf(codegenDefinitions().all), 'test').get('driver-profile.ts')!;
    expect(text).toContain('readonly trips: bigint | null;');
    expect(text).toContain('readonly rank: number | null;');
    expect(text).toContain('readonly last_seen: Date | null;');
    expect(text).toContain('readonly payload: Uint8Array | null;');
    expect(text).toContain('readonly tags: (string | null)[] | null;');
    expect(text).toContain('readonly scores: (number | null)[] | null;');
    expect(text).toContain('readonly driver_id: readonly (bigint | number | string)[];');
    expect(text).toMatch(/export interface DriverProfileEntity \{\n {2}readonly driver_id: bigint;\n\}/);
    const pricing = generateClients(await registryOf(codegenDefinitions().all), 'test').get('pricing.ts')!;
    // Request data is an input of the service beside its join key.
    expect(pricing).toMatch(
      /export interface PricingInput \{\n {2}\/\*\* Int64 \*\/\n {2}readonly driver_id: [^\n]+\n {2}\/\*\* Float64 \*\/\n {2}readonly distance_km: readonly number\[\];/,
    );
    expect(pricing).toContain("request: [{ name: 'distance_km', dtype: 'Float64', kind: 'float64', array: false }],");
    expect(pricing).toContain('Pinned view versions: driver_stats@v1.');
  });

  it('hashes names and dtypes only: a retyped feature changes it, a new description or version with the same schema does not', async () => {
    const base = await registryOf(codegenDefinitions().all);
    const hash = schemaHash(serviceSchema(base, 'pricing'));
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    const retyped = codegenDefinitions({ tripsType: (await import('../../shared/definitions/index.js')).Float64 });
    const r2 = await registryOf(retyped.all);
    expect(schemaHash(serviceSchema(r2, 'pricing'))).not.toBe(hash);
    expect(schemaHash(serviceSchema(r2, 'driver_profile'))).not.toBe(schemaHash(serviceSchema(base, 'driver_profile')));
    const d = codegenDefinitions();
    const redescribed = new FeatureService({ name: 'pricing', features: [d.price, d.stats.select('rate', 'trips')], description: 'other words' });
    const r3 = await registryOf([...d.all.filter((x) => x !== d.pricing), redescribed]);
    expect(schemaHash(serviceSchema(r3, 'pricing'))).toBe(hash);
    const v2 = await registryOf(codegenDefinitions({ statsVersion: 2 }).all);
    expect(serviceSchema(v2, 'pricing').pinned).toEqual({ driver_stats: 2 });
    expect(schemaHash(serviceSchema(v2, 'pricing'))).toBe(hash);
  });

  it('uses full feature names for a service whose views share a feature name, so each row has one property per feature', async () => {
    const user = new Entity({ name: 'user_id', valueType: Int64 });
    const view = (name: string) =>
      new FeatureView({
        name,
        entities: [user],
        ttl: 0,
        schema: [new Field({ name: 'count', dtype: Int64 })],
        source: new FileSource({ name: `${name}_src`, path: `data/${name}`, timestampField: 'ts' }),
      });
    const a = view('clicks');
    const b = view('views');
    const text = generateClients(await registryOf([user, a, b, new FeatureService({ name: 'both', features: [a, b] })]), 't').get('both.ts')!;
    expect(text).toContain('fullFeatureNames: true,');
    expect(text).toContain('readonly clicks__count: bigint | null;');
    expect(text).toContain('readonly views__count: bigint | null;');
  });

  it('refuses service names that collide in generated code, naming both', async () => {
    const d = codegenDefinitions();
    const clash = new FeatureService({ name: 'driverProfile', features: [d.stats] });
    const registry = await registryOf([...d.all, clash]);
    expect(() => generateClients(registry, 't')).toThrow(ValidationError);
    expect(() => generateClients(registry, 't')).toThrow(/feature services 'driverProfile' and 'driver_profile' both become 'driverProfile'/);
  });
});
