import { describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Int64 } from '../../shared/definitions/index.js';
import { S3RegistryStore } from '../../shared/registry/s3-registry-store.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { apply } from '../../shared/services/apply.js';
import { CachedRegistry } from '../../shared/services/cached-registry.js';
import { awsForTests, newBucket } from '../helpers/aws.js';

const view = (name: string) =>
  new FeatureView({
    name,
    entities: [new Entity({ name: 'user_id' })],
    schema: [new Field({ name: 'x', dtype: Int64 })],
    source: new FileSource({ path: 'p', timestampField: 'ts' }),
  });

describe('Class: CachedRegistry over S3 (a warm Lambda)', () => {
  it('reads S3 at most once per interval and revalidates by ETag without re-downloading', async () => {
    const aws = awsForTests();
    const statuses: number[] = [];
    aws.s3.middlewareStack.add(
      (next, ctx) => async (args) => {
        try {
          const r = await next(args);
          if (ctx.commandName === 'GetObjectCommand') statuses.push(200);
          return r;
        } catch (err) {
          if (ctx.commandName === 'GetObjectCommand') statuses.push((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0);
          throw err;
        }
      },
      { step: 'initialize', name: 'count-gets' },
    );
    const store = new S3RegistryStore(aws.s3, await newBucket(aws), 'registry.json');
    await apply(store, 'p', toRepoSpecs([view('a')]), new Date());
    statuses.length = 0;
    let t = 0;
    const cache = new CachedRegistry(store, 30_000, () => t);

    for (let i = 0; i < 100; i++) await cache.get();
    expect(statuses).toEqual([200]);

    t += 31_000;
    const same = await cache.get();
    expect(statuses).toEqual([200, 304]);
    expect(Object.keys(same.data.featureViews)).toEqual(['a@v1']);

    await apply(store, 'p', toRepoSpecs([view('b')]), new Date(), { partial: true });
    statuses.length = 0;
    t += 31_000;
    const changed = await cache.get();
    expect(statuses).toEqual([200]);
    expect(Object.keys(changed.data.featureViews).sort()).toEqual(['a@v1', 'b@v1']);
  });
});
