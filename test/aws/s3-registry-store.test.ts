import { describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Int64 } from '../../shared/definitions/index.js';
import { S3RegistryStore } from '../../shared/registry/s3-registry-store.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { apply } from '../../shared/services/apply.js';
import { awsForTests, newBucket } from '../helpers/aws.js';

const user = new Entity({ name: 'user_id' });
const view = (i: number) =>
  new FeatureView({
    name: `view_${i}`,
    entities: [user],
    schema: [new Field({ name: 'x', dtype: Int64 })],
    source: new FileSource({ path: `s3://b/v${i}`, timestampField: 'ts' }),
  });

describe('Class: S3RegistryStore (against moto)', () => {
  const aws = awsForTests();

  it('creates with If-None-Match, updates with If-Match, and round-trips the document', async () => {
    const store = new S3RegistryStore(aws.s3, await newBucket(aws), 'registry/registry.json');
    expect(await store.read()).toBeUndefined();
    await apply(store, 'p', toRepoSpecs([view(0)]), new Date());
    const first = await store.readWithEtag();
    await apply(store, 'p', toRepoSpecs([view(1)]), new Date(), { partial: true });
    const second = await store.readWithEtag();
    expect(second!.etag).not.toBe(first!.etag);
    expect(Object.keys(second!.data.featureViews).sort()).toEqual(['view_0@v1', 'view_1@v1']);
    expect(second!.data.serial).toBe(2);
  });

  it('loses no update when 10 applies of different views race', async () => {
    const store = new S3RegistryStore(aws.s3, await newBucket(aws), 'registry.json');
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        apply(new S3RegistryStore(aws.s3, (store as unknown as { bucket: string }).bucket, 'registry.json'), 'p', toRepoSpecs([view(i)]), new Date(), {
          partial: true,
        }),
      ),
    );
    const data = (await store.read())!;
    expect(Object.keys(data.featureViews).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `view_${i}@v1`).sort());
    expect(data.serial).toBe(10);
  });

  it('re-reads and retries when the object changed under it', async () => {
    const bucket = await newBucket(aws);
    const a = new S3RegistryStore(aws.s3, bucket, 'r.json');
    const b = new S3RegistryStore(aws.s3, bucket, 'r.json');
    await apply(a, 'p', toRepoSpecs([view(0)]), new Date());
    let calls = 0;
    await a.update(async (current) => {
      calls++;
      // The first time, another writer commits between our read and our write.
      if (calls === 1) await apply(b, 'p', toRepoSpecs([view(1)]), new Date(), { partial: true });
      const next = structuredClone(current!);
      next.project = 'changed';
      return { next, result: undefined };
    });
    expect(calls).toBe(2);
    const data = (await a.read())!;
    expect(data.project).toBe('changed');
    expect(Object.keys(data.featureViews).sort()).toEqual(['view_0@v1', 'view_1@v1']);
  });
});
