import { join } from 'node:path';
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

/** The same definitions and data on provider local and on provider aws (moto + the Athena double) give the same answers. */
describe('provider aws = provider local', () => {
  const tmp = tempDir();
  const clock = { now: T(10, 12) };
  const defs = testDefinitions();
  let local: FeatureStore;
  let aws: FeatureStore;
  let athena: AthenaDouble;
  const users = Array.from({ length: 25 }, (_, i) => `u${i}`);
  const batch = users.flatMap((u, i) => [
    { user_id: u, event_date: T(3), created_at: T(3), sessions: i, model: 'old' },
    { user_id: u, event_date: T(8), created_at: T(8), sessions: i * 10, model: `m${i % 4}` },
    { user_id: u, event_date: T(8), created_at: T(8, 1), sessions: i * 10 + 1, model: `m${i % 3}` },
  ]);
  const realtime = users
    .slice(0, 15)
    .map((u, i) => ({ user_id: u, event_timestamp: new Date(T(10, 11).getTime() + i * 60_000).toISOString(), messages: i, minutes_ago: i / 4 }));

  beforeAll(async () => {
    const clients = createAwsClients('us-east-1');
    athena = new AthenaDouble(clients.s3, clients.glue);
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
    const names = { bucket: uniqueName('parity'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    await ensureAwsResources(createAwsClients('us-east-1'), names);
    const awsConfig = parseConfig(
      { project: 'parity', provider: 'aws', registryCacheSeconds: 0, aws: { bucket: names.bucket, table: names.table, glueDatabase: names.glueDatabase } },
      join(tmp.dir, 'aws'),
      {},
    );
    aws = new FeatureStore(awsConfig, await createStores(awsConfig), { now: () => clock.now });
    local = openTestStore(join(tmp.dir, 'local'), clock);

    const file = join(tmp.dir, 'activity.parquet');
    await writeParquet(file, ACTIVITY_COLUMNS, batch);
    await writeParquet(join(tmp.dir, 'local/data/activity/p.parquet'), ACTIVITY_COLUMNS, batch);
    for (const store of [local, aws]) await store.apply(defs.all);
    const spec = (await aws.context.registry()).view('activity');
    await (await createStores(awsConfig)).importPart!(spec, file, T(8));
    for (const store of [local, aws]) {
      await store.materialize({ start: T(1), end: T(10) });
      await store.push({ pushSourceName: 'realtime_events', rows: realtime, to: 'online_and_offline' });
    }
  }, 120_000);
  afterAll(async () => {
    await athena.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
    await local.close();
    await aws.close();
    tmp.cleanup();
  });

  it('serves the same online vectors', async () => {
    const req = { featureService: 'model_a', entities: { user_id: [...users, 'nobody'] } };
    const [a, b] = [await local.getOnlineFeatures(req), await aws.getOnlineFeatures(req)];
    expect(b).toEqual(a);
    expect(a.results[1].statuses.filter((s) => s === 'PRESENT')).toHaveLength(25);
    expect(a.results[3].statuses.filter((s) => s === 'PRESENT')).toHaveLength(15);
  });

  it('builds the same training set through Athena (Trino SQL run by the double) as through DuckDB', async () => {
    const entity = {
      rows: users.flatMap((u, i) => [
        { user_id: u, event_timestamp: T(8, i % 3), label: i },
        { user_id: u, event_timestamp: T(10, 12), label: -i },
      ]),
    };
    const features = ['activity:sessions', 'activity:model', 'realtime:messages', 'realtime:minutes_ago'];
    const [a, b] = [await local.getHistoricalFeatures({ entity, features }), await aws.getHistoricalFeatures({ entity, features })];
    expect(b.columns).toEqual(a.columns);
    expect(b.rows).toEqual(a.rows);
    expect(a.rows!.filter((r) => r.sessions !== null)).toHaveLength(50);
    expect(b.sql).toContain('"dt" >=');
    expect(athena.queries.at(-1)).toContain('ROW_NUMBER() OVER (PARTITION BY e."__row_id"');
  });

  it.each(['json', 'csv'] as const)('writes the same %s training set file, timestamps in RFC 3339 with their zone, on both providers', async (format) => {
    const { readFileSync } = await import('node:fs');
    const entity = { rows: users.slice(0, 6).map((u, i) => ({ user_id: u, event_timestamp: T(8, i % 3), label: i })) };
    const features = ['activity:sessions', 'activity:model', 'realtime:minutes_ago'];
    const paths = { local: join(tmp.dir, `local-out.${format}`), aws: join(tmp.dir, `aws-out.${format}`) };
    await local.getHistoricalFeatures({ entity, features, output: { path: paths.local, format } });
    await aws.getHistoricalFeatures({ entity, features, output: { path: paths.aws, format } });
    const [a, b] = [readFileSync(paths.local, 'utf8'), readFileSync(paths.aws, 'utf8')];
    expect(a).toMatch(/2024-03-08T01:00:00\.000Z/);
    expect(b).toBe(a);
  });

  it('writes a training dataset to S3 with UNLOAD, each run under its own prefix (a reused output path neither fails nor mixes)', async () => {
    const { bucket } = aws.config.aws!;
    const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
    const s3 = createAwsClients('us-east-1').s3;
    const run = () =>
      aws.getHistoricalFeatures({
        entity: { rows: [{ user_id: 'u3', event_timestamp: T(9) }] },
        features: ['activity:sessions'],
        output: { path: `s3://${bucket}/datasets/run-1/`, format: 'parquet' },
      });
    const [a, b] = [await run(), await run()];
    expect(a.path).toMatch(new RegExp(`^s3://${bucket}/datasets/run-1/run-[0-9a-f]{32}/$`));
    expect(b.path).not.toBe(a.path);
    expect(athena.queries.at(-1)).toMatch(/^UNLOAD \(SELECT \* FROM \(WITH/);
    for (const path of [a.path!, b.path!]) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: path.replace(`s3://${bucket}/`, '') }));
      expect(listed.Contents?.length).toBe(1);
    }
  });

  it('reports the same freshness', async () => {
    expect(await aws.freshness()).toEqual(await local.freshness());
  });
});
