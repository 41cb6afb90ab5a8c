import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { historyPrefix } from '../../shared/layout/s3-layout.js';
import { createStores } from '../../shared/providers/index.js';
import { buildUi } from '../../ui/build.js';
import { startUiServer } from '../../ui/server/server.js';
import { uniqueName } from '../helpers/aws.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';

const T = (d: number, h = 0) => new Date(Date.UTC(2024, 2, d, h));

/** `skewless ui` on provider aws (moto + the Athena double): statistics by Athena equal DuckDB's; histories live in S3. */
describe('the UI on provider aws', () => {
  const tmp = tempDir();
  const clock = { now: T(10, 12) };
  let local: FeatureStore;
  let aws: FeatureStore;
  let athena: AthenaDouble;
  let bucket: string;
  const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
  const batch = users.flatMap((u, i) => [
    { user_id: u, event_date: T(3, i % 24), created_at: T(3), sessions: i % 7 === 0 ? null : i, model: 'old' },
    { user_id: u, event_date: T(8, i % 5), created_at: T(8), sessions: i * 10 - 50, model: i % 9 === 0 ? null : `m${i % 4}` },
  ]);

  beforeAll(async () => {
    const clients = createAwsClients('us-east-1');
    athena = new AthenaDouble(clients.s3, clients.glue);
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
    const names = { bucket: uniqueName('ui'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    bucket = names.bucket;
    await ensureAwsResources(clients, names);
    const config = parseConfig({ project: 'ui', provider: 'aws', registryCacheSeconds: 0, aws: names }, join(tmp.dir, 'aws'), {});
    aws = new FeatureStore(config, await createStores(config), { now: () => clock.now });
    local = openTestStore(join(tmp.dir, 'local'), clock);
    const file = join(tmp.dir, 'activity.parquet');
    await writeParquet(file, ACTIVITY_COLUMNS, batch);
    await writeParquet(join(tmp.dir, 'local/data/activity/p.parquet'), ACTIVITY_COLUMNS, batch);
    for (const store of [local, aws]) await store.apply(testDefinitions().all);
    const spec = (await aws.context.registry()).view('activity');
    // One part per day partition, as the layout keeps them.
    const stores = await createStores(config);
    for (const day of [3, 8]) {
      const part = join(tmp.dir, `activity-${day}.parquet`);
      await writeParquet(
        part,
        ACTIVITY_COLUMNS,
        batch.filter((r) => r.event_date.getUTCDate() === day),
      );
      await stores.importPart!(spec, part, T(day));
    }
    for (const store of [local, aws]) await store.materialize({ start: T(1), end: T(10) });
  }, 180_000);
  afterAll(async () => {
    await athena?.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
    await local?.close();
    await aws?.close();
    tmp.cleanup();
  });

  it('statistics computed by Athena (the Trino SQL, run by the double) equal DuckDB’s, with dt pruning', async () => {
    for (const range of [
      { start: T(1), end: T(10) },
      { start: T(3, 6), end: T(8, 3) },
      { start: T(8), end: T(9) },
    ]) {
      const [a, b] = [await local.statistics('activity', { ...range, bins: 6 }), await aws.statistics('activity', { ...range, bins: 6 })];
      expect(b.engine).toBe('athena');
      const strip = (s: typeof a) => ({ ...s, engine: undefined, computedAt: undefined, cached: undefined });
      expect(strip(b)).toEqual(strip(a));
      expect(a.rowCount).toBe(batch.filter((r) => r.event_date >= range.start && r.event_date < range.end).length);
    }
    const pruned = athena.queries.filter((q) => /"dt" >= '2024-03-08'/.test(q));
    expect(pruned.length).toBeGreaterThan(0);
  });

  it('freshness checks and skew audits are kept under the monitoring/ prefix of the data bucket', async () => {
    await aws.freshness(undefined, { record: true });
    clock.now = T(10, 13);
    await aws.freshness(undefined, { record: true });
    const checks = await aws.freshnessHistory();
    expect(checks.map((c) => c.at)).toEqual([T(10, 12).toISOString(), T(10, 13).toISOString()]);
    // The watermark is the newest event materialized, 03-08 04:00: 57 h before 03-10 13:00.
    expect(checks[1].views.find((v) => v.view === 'activity')).toMatchObject({ ageSeconds: 57 * 3600, status: 'stale' });
    await aws.auditSkew({ featureService: 'model_a', sample: 20 }, { record: true });
    const [audit] = await aws.auditHistory();
    expect(audit).toMatchObject({ target: { kind: 'service', name: 'model_a' }, sample: 20, report: { worstRate: 0 } });
    const keys = await createAwsClients('us-east-1').s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'monitoring/' }));
    const listed = (keys.Contents ?? []).map((o) => o.Key!);
    expect(listed.filter((k) => k.startsWith(historyPrefix('freshness')))).toHaveLength(2);
    expect(listed.filter((k) => k.startsWith(historyPrefix('audits')))).toHaveLength(1);
  });

  it('serves the JSON API from the aws store', async () => {
    const out = join(tmp.dir, 'dist');
    await buildUi(out);
    const ui = await startUiServer({ store: aws, port: 0, assetsDir: out, log: () => undefined });
    try {
      const summary = await (await fetch(`${ui.url}/api/summary`)).json();
      expect(summary).toMatchObject({ project: 'ui', provider: 'aws', counts: { featureViews: 2, featureServices: 1 } });
      const stats = await (await fetch(`${ui.url}/api/feature-views/activity/statistics?start=${T(1).toISOString()}&end=${T(10).toISOString()}`)).json();
      expect(stats).toMatchObject({ engine: 'athena', rowCount: batch.length });
      expect((await fetch(`${ui.url}/api/feature-views/nope/statistics`)).status).toBe(404);
    } finally {
      await ui.close();
    }
  });
});
