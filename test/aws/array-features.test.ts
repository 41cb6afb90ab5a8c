import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { ArrayOf, Entity, FeatureView, Field, FileSource, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import { ValidationError } from '../../shared/errors.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { createStores } from '../../shared/providers/index.js';
import { uniqueName } from '../helpers/aws.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A plain view with array features on provider aws: training rows read in process (GetQueryResults,
 * where Athena renders arrays as unquoted text) and a materialization (UNLOAD, read back as typed
 * Parquet) give arrays of the feature's dtype, even for strings holding ", " and brackets.
 */
describe('array features on provider aws (moto + the Athena double)', () => {
  const tmp = tempDir();
  const clock = { now: new Date(Date.UTC(2026, 0, 2)) };
  let athena: AthenaDouble;
  let store: FeatureStore;

  beforeAll(async () => {
    const clients = createAwsClients('us-east-1');
    athena = new AthenaDouble(clients.s3, clients.glue);
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
    const names = { bucket: uniqueName('arrays'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    await ensureAwsResources(clients, names);
    const config = parseConfig({ project: 'arrays', provider: 'aws', registryCacheSeconds: 0, aws: names }, join(tmp.dir, 'aws'), {});
    store = new FeatureStore(config, await createStores(config), { now: () => clock.now });
    const user = new Entity({ name: 'user_id', valueType: Str });
    const source = new PushSource({ name: 'lists', batchSource: new FileSource({ name: 'list_files', path: 'data/lists', timestampField: 'ts' }) });
    const view = new FeatureView({
      name: 'lists',
      entities: [user],
      source,
      schema: [new Field({ name: 'tags', dtype: ArrayOf(Str) }), new Field({ name: 'counts', dtype: ArrayOf(Int64) })],
    });
    await store.apply([user, view]);
    // The Lambda Parquet writer (push) writes flat columns only: the part is written by DuckDB and imported.
    const file = join(tmp.dir, 'lists.parquet');
    const db = await DuckDBSession.create();
    try {
      await db.copyTo(
        `SELECT * FROM (VALUES ('a', TIMESTAMPTZ '2026-01-01 10:00:00+00', ['x, y', '[z]'], [1, 20]::BIGINT[]), ('b', TIMESTAMPTZ '2026-01-01 11:00:00+00', []::VARCHAR[], [3]::BIGINT[])) v(user_id, ts, tags, counts)`,
        file,
        'parquet',
      );
    } finally {
      db.close();
    }
    await (await createStores(config)).importPart!((await store.context.registry()).view('lists'), file, new Date(Date.UTC(2026, 0, 1)));
  }, 120_000);
  afterAll(async () => {
    await store.close();
    await athena.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
    tmp.cleanup();
  });

  it('training rows (in process) hold arrays of the dtype, in entity row order', async () => {
    const r = await store.getHistoricalFeatures({
      entity: { rows: ['b', 'a', 'nobody', 'a'].map((u) => ({ user_id: u, event_timestamp: clock.now })) },
      features: ['lists:tags', 'lists:counts'],
    });
    expect(r.rows!.map((x) => [x.user_id, x.tags, x.counts])).toEqual([
      ['b', [], [3]],
      ['a', ['x, y', '[z]'], [1, 20]],
      ['nobody', null, null],
      ['a', ['x, y', '[z]'], [1, 20]],
    ]);
  });

  it('refuses an entity column named like the row order it stages, naming the field, before anything runs', async () => {
    const before = athena.queries.length;
    const err = await store
      .getHistoricalFeatures({ entity: { rows: [{ user_id: 'a', event_timestamp: clock.now, __row_order: 1 }] }, features: ['lists:tags'] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([{ field: '__row_order', message: 'reserved name' }]);
    expect(athena.queries.length).toBe(before);
  });

  it('a materialization serves the same arrays online', async () => {
    await store.materialize({ start: new Date(Date.UTC(2026, 0, 1)), end: clock.now });
    const online = await store.getOnlineFeatures({ features: ['lists:tags', 'lists:counts'], entities: { user_id: ['a', 'b'] } });
    expect(online.results.slice(1).map((c) => c.values)).toEqual([
      [['x, y', '[z]'], []],
      [[1, 20], [3]],
    ]);
  });
});
