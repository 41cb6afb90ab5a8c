import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Float64, String as Str } from '../../shared/definitions/index.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { createStores } from '../../shared/providers/index.js';
import { freshDeployment } from './deployed-env.js';

const user = new Entity({ name: 'user_id' });
const view = (name: string, n: number) =>
  new FeatureView({
    name,
    entities: [user],
    schema: Array.from({ length: n }, (_, i) => new Field({ name: `feature_${String(i).padStart(5, '0')}`, dtype: i % 2 ? Float64 : Str })),
    source: new FileSource({ path: `data/${name}`, timestampField: 'ts' }),
  });

describe('apply on provider aws: DynamoDB item size', () => {
  let deployment: Awaited<ReturnType<typeof freshDeployment>>;
  beforeAll(async () => {
    deployment = await freshDeployment();
  });
  afterAll(() => deployment.restore());

  it("refuses a view whose items cannot fit DynamoDB's 400 KB, naming it, and writes nothing", async () => {
    const config = parseConfig({ project: 'wide', provider: 'aws', aws: deployment.names }, '/tmp', {});
    const parts = await createStores(config);
    const store = new FeatureStore(config, parts);
    // 30,000 features: 15,000 numbers of up to 21 bytes plus names already pass 400 KB before any string.
    const err = await store.apply([user, view('too_wide', 30_000), view('fine', 50)]).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /feature view 'too_wide@v1' is too wide for one DynamoDB item: its 30000 features take \d+ bytes before any string value \(limit 409600\); split it into several views/,
    );
    expect((err as Error).message).not.toMatch(/'fine@v1'/);
    expect(await parts.registryStore.read()).toBeUndefined();
    await store.apply([user, view('fine', 50)]);
    expect(Object.keys((await parts.registryStore.read())!.featureViews)).toEqual(['fine@v1']);
  });
});
