import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { AthenaOfflineStore } from '../../shared/offline/athena/athena-offline-store.js';
import { readRowGroups } from '../../shared/offline/athena/s3-parquet.js';
import { mergeKey } from '../../shared/offline/compaction.js';
import { DynamoDBOnlineStore } from '../../shared/online/dynamodb-online-store.js';
import { S3RegistryStore } from '../../shared/registry/s3-registry-store.js';
import { compactOffline } from '../../shared/services/compact.js';
import { seededRandom } from '../../shared/util/random.js';
import { uniqueName } from '../helpers/aws.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

const T = (d: number, h = 0) => new Date(Date.UTC(2024, 2, d, h));

/** 24 push requests of 5 rows (one Parquet part each); every 4th request re-delivers the previous one. */
function pushes(seed: number) {
  const rand = seededRandom(seed);
  const out: { user_id: string; event_timestamp: string; messages: number; minutes_ago: number }[][] = [];
  for (let p = 0; p < 24; p++) {
    if (p % 4 === 3) {
      out.push(out[p - 1]);
      continue;
    }
    out.push(
      Array.from({ length: 5 }, (_, i) => ({
        user_id: `u${Math.floor(rand() * 30)}`,
        event_timestamp: new Date(T(10, 10).getTime() + (p * 5 + i) * 60_000).toISOString(),
        messages: Math.floor(rand() * 100),
        minutes_ago: Math.round(rand() * 64) / 4,
      })),
    );
  }
  return out;
}

describe('Service: compactOffline (small pushed Parquet parts)', () => {
  const tmp = tempDir();
  const clock = { now: T(10, 12) };
  afterAll(() => tmp.cleanup());

  it('local: 24 pushes → one file, the same training set before and after, a second run changes nothing', async () => {
    const store = openTestStore(join(tmp.dir, 'local'), clock);
    await store.apply(testDefinitions().all);
    for (const rows of pushes(5)) await store.push({ pushSourceName: 'realtime_events', rows, to: 'offline' });
    const dir = join(tmp.dir, 'local/data/realtime');
    expect(readdirSync(dir).filter((f) => f.endsWith('.parquet'))).toHaveLength(24);
    const entity = { rows: Array.from({ length: 30 }, (_, i) => ({ user_id: `u${i}`, event_timestamp: T(10, 12) })) };
    const before = await store.getHistoricalFeatures({ entity, features: ['realtime:messages', 'realtime:minutes_ago'] });

    const [res] = await compactOffline(store.context, { views: ['realtime'] });

    expect(res).toMatchObject({ view: 'realtime@v1', partitions: 1, filesBefore: 24, filesAfter: 1, rows: 90 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.parquet'))).toEqual([expect.stringMatching(/^part-compacted-\d+-[0-9a-f-]{36}\.parquet$/)]);
    expect((await store.getHistoricalFeatures({ entity, features: ['realtime:messages', 'realtime:minutes_ago'] })).rows).toEqual(before.rows);
    expect((await compactOffline(store.context, { views: ['realtime'] }))[0]).toMatchObject({ partitions: 0 });
    await store.close();
  });

  describe('provider aws (moto)', () => {
    const clients = createAwsClients('us-east-1');
    const names = { bucket: uniqueName('compact'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    let store: FeatureStore;
    beforeAll(async () => {
      await ensureAwsResources(clients, names);
      const offline = new AthenaOfflineStore({
        s3: clients.s3,
        glue: clients.glue,
        athena: clients.athena,
        bucket: names.bucket,
        prefix: 'offline',
        database: names.glueDatabase,
        workgroup: 'primary',
      });
      store = new FeatureStore(
        parseConfig({ project: 'compact', provider: 'aws', registryCacheSeconds: 0, aws: names }, join(tmp.dir, 'aws'), {}),
        {
          registryStore: new S3RegistryStore(clients.s3, names.bucket, 'registry/registry.json'),
          online: new DynamoDBOnlineStore({ client: clients.dynamodb, table: names.table }),
          offline,
        },
        { now: () => clock.now },
      );
      await store.apply(testDefinitions().all);
    }, 60_000);

    async function objects() {
      const r = await clients.s3.send(new ListObjectsV2Command({ Bucket: names.bucket, Prefix: 'offline/realtime/v1/' }));
      return (r.Contents ?? []).map((o) => o.Key!);
    }
    async function rowSet(keys: string[]) {
      const out = new Set<string>();
      for (const k of keys) for await (const g of readRowGroups(clients.s3, names.bucket, k)) for (const r of g) out.add(mergeKey(r));
      return out;
    }

    it('merges each dt partition into one object holding exactly the distinct rows pushed', async () => {
      for (const rows of pushes(9)) await store.push({ pushSourceName: 'realtime_events', rows, to: 'offline' });
      const before = await objects();
      expect(before).toHaveLength(24);
      const rowsBefore = await rowSet(before);

      const [res] = await compactOffline(store.context, { views: ['realtime'] });

      const after = await objects();
      expect(res).toMatchObject({ partitions: 1, filesBefore: 24, filesAfter: 1, rows: rowsBefore.size });
      expect(after).toEqual([expect.stringMatching(/^offline\/realtime\/v1\/dt=2024-03-10\/part-compacted-\d+-[0-9a-f-]{36}\.parquet$/)]);
      expect(await rowSet(after)).toEqual(rowsBefore);
    });
  });
});
