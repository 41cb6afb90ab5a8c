import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { createStores } from '../../shared/providers/index.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { uniqueName } from '../helpers/aws.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const T = (d: number, h = 0) => new Date(Date.UTC(2024, 2, d, h));

/**
 * Entity input is a file on both providers: a local path or an s3:// URI, Parquet or CSV. Every
 * form gives the training set the same rows as inline entity rows, on provider local (DuckDB) and
 * provider aws (moto + the Athena double).
 */
describe('Entity files: local path or s3:// URI, on both providers', () => {
  const tmp = tempDir();
  const clock = { now: T(10, 12) };
  const defs = testDefinitions();
  const clients = createAwsClients('us-east-1');
  const names = { bucket: uniqueName('entities'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
  let local: FeatureStore;
  let aws: FeatureStore;
  let athena: AthenaDouble;
  const users = Array.from({ length: 6 }, (_, i) => `u${i}`);
  const batch = users.map((u, i) => ({ user_id: u, event_date: T(8), created_at: T(8), sessions: i, model: `m${i}` }));
  const entityRows = users.map((u, i) => ({ user_id: u, event_timestamp: T(9, i), label: i }));
  const features = ['activity:sessions', 'activity:model'];
  const csv = `${['user_id,event_timestamp,label', ...entityRows.map((r) => `${r.user_id},${r.event_timestamp.toISOString()},${r.label}`)].join('\n')}\n`;
  let expected: Record<string, unknown>[];

  beforeAll(async () => {
    athena = new AthenaDouble(clients.s3, clients.glue);
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
    await ensureAwsResources(clients, names);
    const awsConfig = parseConfig({ project: 'entities', provider: 'aws', registryCacheSeconds: 0, aws: names }, join(tmp.dir, 'aws'), {});
    aws = new FeatureStore(awsConfig, await createStores(awsConfig), { now: () => clock.now });
    local = openTestStore(join(tmp.dir, 'local'), clock);
    const file = join(tmp.dir, 'activity.parquet');
    await writeParquet(file, ACTIVITY_COLUMNS, batch);
    await writeParquet(join(tmp.dir, 'local/data/activity/p.parquet'), ACTIVITY_COLUMNS, batch);
    for (const store of [local, aws]) await store.apply(defs.all);
    await (await createStores(awsConfig)).importPart!((await aws.context.registry()).view('activity'), file, T(8));

    await writeParquet(
      join(tmp.dir, 'entities.parquet'),
      [
        { name: 'user_id', type: 'VARCHAR' },
        { name: 'event_timestamp', type: 'TIMESTAMP' },
        { name: 'label', type: 'BIGINT' },
      ],
      entityRows,
    );
    writeFileSync(join(tmp.dir, 'entities.csv'), csv);
    await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: 'in/entities.parquet', Body: readFileSync(join(tmp.dir, 'entities.parquet')) }));
    await clients.s3.send(new PutObjectCommand({ Bucket: names.bucket, Key: 'in/entities.csv', Body: csv }));
    expected = (await local.getHistoricalFeatures({ entity: { rows: entityRows }, features })).rows!;
  }, 120_000);
  afterAll(async () => {
    await athena.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
    await local.close();
    await aws.close();
    tmp.cleanup();
  });

  it('inline rows answer the same on both providers (the reference below)', async () => {
    expect(expected.map((r) => r.sessions)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await aws.getHistoricalFeatures({ entity: { rows: entityRows }, features })).rows).toEqual(expected);
  });

  it.each([
    ['local', 'a local Parquet file', () => join(tmp.dir, 'entities.parquet')],
    ['local', 'a local CSV file', () => join(tmp.dir, 'entities.csv')],
    ['local', 'an s3:// Parquet object', () => `s3://${names.bucket}/in/entities.parquet`],
    ['local', 'an s3:// CSV object', () => `s3://${names.bucket}/in/entities.csv`],
    ['aws', 'a local Parquet file', () => join(tmp.dir, 'entities.parquet')],
    ['aws', 'a local CSV file', () => join(tmp.dir, 'entities.csv')],
    ['aws', 'an s3:// Parquet object', () => `s3://${names.bucket}/in/entities.parquet`],
    ['aws', 'an s3:// CSV object', () => `s3://${names.bucket}/in/entities.csv`],
  ] as const)('provider %s reads %s', async (provider, _what, path) => {
    const store = provider === 'local' ? local : aws;
    const res = await store.getHistoricalFeatures({ entity: { path: path() }, features });
    // CSV text carries no types: label reads back as a number either way, timestamps as instants.
    expect(res.rows!.map((r) => ({ ...r, event_timestamp: new Date(r.event_timestamp as string | Date).toISOString(), label: Number(r.label) }))).toEqual(
      expected.map((r) => ({ ...r, event_timestamp: (r.event_timestamp as Date).toISOString() })),
    );
  });

  it.each(['local', 'aws'] as const)('provider %s names a missing entity file', async (provider) => {
    const store = provider === 'local' ? local : aws;
    await expect(store.getHistoricalFeatures({ entity: { path: join(tmp.dir, 'nope.parquet') }, features })).rejects.toThrow(/nope\.parquet/);
  });
});
