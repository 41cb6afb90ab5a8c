import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FeatureService, FeatureView, Field, FileSource, Float64, Int64, OnDemandFeatureView, String as Str } from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const T = (s: string) => new Date(`2024-03-${s}Z`);

/** Aggregation views in training data beside plain and on-demand views, through the FeatureStore facade. */
describe('getHistoricalFeatures with aggregation views', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: T('20T00:00:00') };
  const defs = testDefinitions();
  const usage = new FeatureView({
    name: 'usage',
    entities: [defs.user],
    source: new FileSource({ name: 'usage_events', path: 'data/usage', timestampField: 'ts' }),
    eventSchema: [new Field({ name: 'tokens', dtype: Int64 }), new Field({ name: 'model', dtype: Str })],
    aggregations: [
      { column: 'tokens', function: 'sum', window: '1d' },
      { column: 'tokens', function: 'sum', window: '7d' },
      { function: 'count', window: '7d', name: 'events_7d' },
      { column: 'model', function: 'last_n', n: 2, window: '7d' },
    ],
  });
  const perEvent = new OnDemandFeatureView({
    name: 'per_event',
    sources: [usage.select('tokens_sum_7d', 'events_7d'), defs.activity.select('sessions')],
    schema: [new Field({ name: 'tokens_per_event', dtype: Float64 }), new Field({ name: 'events_per_session', dtype: Float64 })],
    transform: (c) => ({
      tokens_per_event: c.tokens_sum_7d.map((t, i) => (c.events_7d[i] ? (t as number) / (c.events_7d[i] as number) : null)),
      events_per_session: c.events_7d.map((n, i) => (c.sessions[i] ? (n as number) / (c.sessions[i] as number) : null)),
    }),
  });

  beforeEach(async () => {
    tmp = tempDir();
    await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, [
      { user_id: 'a', event_date: T('09T00:00:00'), created_at: T('09T00:00:00'), sessions: 4, model: 'm' },
    ]);
    await writeParquet(
      join(tmp.dir, 'data/usage/p.parquet'),
      [
        { name: 'user_id', type: 'VARCHAR' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'tokens', type: 'BIGINT' },
        { name: 'model', type: 'VARCHAR' },
      ],
      [
        { user_id: 'a', ts: T('03T12:00:00'), tokens: 1000, model: 'old' },
        { user_id: 'a', ts: T('09T12:00:00'), tokens: 10, model: 'x' },
        { user_id: 'a', ts: T('10T06:00:00'), tokens: 20, model: 'y' },
        // The same event delivered twice counts once.
        { user_id: 'a', ts: T('10T06:00:00'), tokens: 20, model: 'y' },
        { user_id: 'a', ts: T('10T11:00:00'), tokens: null, model: 'z' },
        { user_id: 'b', ts: T('10T11:00:00'), tokens: 7, model: 'x' },
      ],
    );
    store = openTestStore(tmp.dir, clock);
    await store.apply([...defs.all, usage, perEvent, new FeatureService({ name: 'mixed', features: [usage, defs.activity.select('sessions'), perEvent] })]);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  it('joins aggregations, plain features and on-demand features computed from both, row by row at each timestamp', async () => {
    const entity = {
      rows: [
        { user_id: 'a', event_timestamp: T('10T12:00:00') },
        // Exactly one day after the 09T12 event (the 1d window (ts − 1d, ts] no longer holds it) and
        // exactly 7 days after the 03T12 one; a duplicate entity row.
        { user_id: 'a', event_timestamp: T('10T12:00:00') },
        { user_id: 'a', event_timestamp: T('10T11:00:00') },
        { user_id: 'a', event_timestamp: T('03T12:00:00') },
        { user_id: 'b', event_timestamp: T('01T00:00:00') },
        { user_id: 'nobody', event_timestamp: T('10T12:00:00') },
      ],
    };
    const res = await store.getHistoricalFeatures({ entity, featureService: 'mixed' });
    expect(res.columns).toEqual([
      'user_id',
      'event_timestamp',
      'tokens_sum_1d',
      'tokens_sum_7d',
      'events_7d',
      'model_last_2_7d',
      'sessions',
      'tokens_per_event',
      'events_per_session',
    ]);
    const values = res.rows!.map((r) => res.columns.slice(2).map((c) => r[c]));
    expect(values).toEqual([
      [20, 30, 3, ['z', 'y'], 4, 10, 0.75],
      [20, 30, 3, ['z', 'y'], 4, 10, 0.75],
      // (03T11, 10T11]: the 03T12 event is in the 7d window here, and z's null tokens add nothing.
      [30, 1030, 4, ['z', 'y'], 4, 257.5, 1],
      [1000, 1000, 1, ['old'], null, 1000, null],
      [0, 0, 0, [], null, null, null],
      [0, 0, 0, [], null, null, null],
    ]);
  });

  it('answers a feature reference list naming one aggregation, with full feature names', async () => {
    const res = await store.getHistoricalFeatures({
      entity: { rows: [{ user_id: 'a', event_timestamp: T('10T06:00:00') }] },
      features: ['usage:events_7d', 'activity:sessions'],
      fullFeatureNames: true,
    });
    expect(res.columns).toEqual(['user_id', 'event_timestamp', 'usage__events_7d', 'activity__sessions']);
    // (03T06, 10T06]: old, x and y (delivered twice, counted once).
    expect(res.rows![0]).toMatchObject({ usage__events_7d: 3, activity__sessions: 4 });
  });

  it('writes a training set with the aggregations typed by their derived dtypes', async () => {
    const path = join(tmp.dir, 'train.parquet');
    await store.getHistoricalFeatures({
      entity: { rows: [{ user_id: 'a', event_timestamp: T('10T12:00:00') }] },
      features: ['usage:tokens_sum_7d', 'usage:events_7d'],
      output: { path, format: 'parquet' },
    });
    const { DuckDBSession } = await import('../../shared/offline/duckdb/session.js');
    const db = await DuckDBSession.create();
    try {
      const schema = await db.all(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
      expect(schema.map((c) => [c.column_name, c.column_type])).toEqual([
        ['user_id', 'VARCHAR'],
        ['event_timestamp', expect.stringMatching(/^TIMESTAMP/)],
        ['tokens_sum_7d', 'BIGINT'],
        ['events_7d', 'BIGINT'],
      ]);
      expect(await db.all(`SELECT tokens_sum_7d, events_7d FROM read_parquet('${path}')`)).toEqual([{ tokens_sum_7d: 30, events_7d: 3 }]);
    } finally {
      db.close();
    }
  });
});
