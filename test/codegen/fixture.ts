import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ArrayOf,
  Bool,
  Bytes,
  Entity,
  FeatureService,
  FeatureView,
  Field,
  FileSource,
  Float32,
  Float64,
  Int32,
  Int64,
  OnDemandFeatureView,
  PushSource,
  RequestSource,
  String as Str,
  UnixTimestamp,
} from '../../shared/definitions/index.js';

const ROOT = join(import.meta.dirname, '../..');

/** A repo with every dtype (scalars and arrays), a push source, request data and an on-demand view, in two services. */
export function codegenDefinitions(
  options: { tripsType?: typeof Int64 | typeof Float64; servicePricingFeatures?: 'all' | 'fare-only'; statsVersion?: number } = {},
) {
  const driver = new Entity({ name: 'driver_id', valueType: Int64 });
  const events = new PushSource({
    name: 'driver_events',
    batchSource: new FileSource({ name: 'driver_files', path: 'data/driver', timestampField: 'event_timestamp' }),
  });
  const stats = new FeatureView({
    name: 'driver_stats',
    entities: [driver],
    ttl: { days: 1 },
    schema: [
      new Field({ name: 'rate', dtype: Float64 }),
      new Field({ name: 'trips', dtype: options.tripsType ?? Int64 }),
      new Field({ name: 'rank', dtype: Int32 }),
      new Field({ name: 'city', dtype: Str }),
      new Field({ name: 'active', dtype: Bool }),
      new Field({ name: 'payload', dtype: Bytes }),
      new Field({ name: 'last_seen', dtype: UnixTimestamp }),
      new Field({ name: 'tags', dtype: ArrayOf(Str) }),
      new Field({ name: 'scores', dtype: ArrayOf(Float32) }),
    ],
    source: events,
    ...(options.statsVersion ? { version: options.statsVersion } : {}),
  });
  const trip = new RequestSource({ name: 'trip', schema: [new Field({ name: 'distance_km', dtype: Float64 })] });
  const price = new OnDemandFeatureView({
    name: 'price',
    sources: [stats.select('rate'), trip],
    schema: [new Field({ name: 'fare', dtype: Float64 })],
    transform: (c) => ({ fare: c.distance_km.map((d, i) => (d as number) * ((c.rate[i] as number | null) ?? 2)) }),
  });
  const pricing = new FeatureService({
    name: 'pricing',
    features: options.servicePricingFeatures === 'fare-only' ? [price] : [price, stats.select('rate', 'trips')],
    description: 'What the pricing model reads',
  });
  const profile = new FeatureService({ name: 'driver_profile', features: [stats] });
  return { driver, events, stats, trip, price, pricing, profile, all: [driver, events, stats, trip, price, pricing, profile] };
}

/** A directory where generated code type-checks and runs: it resolves zod (and the SigV4 packages) from this repo. */
export function prepareClientDir(dir: string): void {
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        verbatimModuleSyntax: true,
        types: ['node'],
      },
      include: ['**/*.ts'],
      exclude: ['node_modules'],
    }),
  );
}

export const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
export const BIOME = join(ROOT, 'node_modules/@biomejs/biome/bin/biome');
export const BIOME_CONFIG = join(ROOT, 'biome.jsonc');
