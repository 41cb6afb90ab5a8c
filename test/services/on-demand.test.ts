import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Field, Float64, Int64, OnDemandFeatureView, RequestSource, Bool, FeatureService } from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const T = (s: string) => new Date(`2024-03-${s}Z`);

function ratios(defs: ReturnType<typeof testDefinitions>, transform?: OnDemandFeatureView['transform']) {
  const request = new RequestSource({ name: 'req', schema: [new Field({ name: 'bonus', dtype: Int64 })] });
  return new OnDemandFeatureView({
    name: 'ratios',
    sources: [defs.activity.select('sessions'), defs.realtime.select('messages'), request],
    schema: [
      new Field({ name: 'messages_per_session', dtype: Float64 }),
      new Field({ name: 'boosted', dtype: Int64 }),
      new Field({ name: 'active', dtype: Bool }),
    ],
    transform:
      transform ??
      ((c) => ({
        messages_per_session: c.messages.map((m, i) => (m === null || !c.sessions[i] ? null : (m as number) / (c.sessions[i] as number))),
        boosted: c.sessions.map((s, i) => ((s as number | null) ?? 0) + (c.bonus[i] as number)),
        active: c.messages.map((m) => m !== null),
      })),
  });
}

describe('OnDemandFeatureView: one function online and offline', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: T('10T12:00:00') };
  const defs = testDefinitions();
  const odfv = ratios(defs);

  beforeEach(async () => {
    tmp = tempDir();
    await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, [
      { user_id: 'a', event_date: T('09T00:00:00'), created_at: T('09T00:00:00'), sessions: 4, model: 'm' },
      { user_id: 'b', event_date: T('09T00:00:00'), created_at: T('09T00:00:00'), sessions: 2, model: 'm' },
    ]);
    store = openTestStore(tmp.dir, clock);
    await store.apply([...defs.all, odfv, new FeatureService({ name: 'with_ratios', features: [defs.activity.select('sessions'), odfv] })]);
    await store.materialize({ start: T('01T00:00:00'), end: T('10T00:00:00') });
    await store.push({
      pushSourceName: 'realtime_events',
      to: 'online_and_offline',
      rows: [{ user_id: 'a', event_timestamp: '2024-03-10T11:50:00Z', messages: 10, minutes_ago: null }],
    });
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  it('computes on-demand features in online lookup, with request data', async () => {
    const out = await store.getOnlineFeatures({
      features: ['ratios:messages_per_session', 'activity:sessions', 'ratios:boosted', 'ratios:active'],
      entities: { user_id: ['a', 'b', 'zz'], bonus: [1, 2, 3] },
    });
    expect(out.metadata.feature_names).toEqual(['user_id', 'messages_per_session', 'sessions', 'boosted', 'active']);
    expect(out.results.slice(1).map((r) => r.values)).toEqual([
      [2.5, null, null],
      [4, 2, null],
      [5, 4, 3],
      [true, false, false],
    ]);
    expect(out.results[1].statuses).toEqual(['PRESENT', 'NULL_VALUE', 'NULL_VALUE']);
    expect(out.results[1].event_timestamps[0]).toBe('2024-03-10T11:50:00.000Z');
  });

  it('computes the same values after the PIT join, and writes them to files', async () => {
    const entity = {
      rows: [
        { user_id: 'a', event_timestamp: T('10T12:00:00'), bonus: 1 },
        { user_id: 'b', event_timestamp: T('10T12:00:00'), bonus: 2 },
      ],
    };
    const res = await store.getHistoricalFeatures({ entity, featureService: 'with_ratios' });
    expect(res.columns).toEqual(['user_id', 'event_timestamp', 'bonus', 'sessions', 'messages_per_session', 'boosted', 'active']);
    expect(res.rows!.map((r) => [r.sessions, r.messages_per_session, r.boosted, r.active])).toEqual([
      [4, 2.5, 5, true],
      [2, null, 4, false],
    ]);
    const online = await store.getOnlineFeatures({ featureService: 'with_ratios', entities: { user_id: ['a', 'b'], bonus: [1, 2] } });
    expect(online.results.slice(1).map((r) => r.values)).toEqual([
      [4, 2],
      [2.5, null],
      [5, 4],
      [true, false],
    ]);
    const path = join(tmp.dir, 'train.parquet');
    await store.getHistoricalFeatures({ entity, featureService: 'with_ratios', output: { path, format: 'parquet' } });
    const db = await DuckDBSession.create();
    expect(await db.all(`SELECT boosted, messages_per_session FROM read_parquet('${path}')`)).toEqual([
      { boosted: 5, messages_per_session: 2.5 },
      { boosted: 4, messages_per_session: null },
    ]);
    db.close();
  });

  it('names the view when the transformation throws or breaks its schema (422, not a 500)', async () => {
    store.useDefinitions([
      ratios(defs, () => {
        throw new Error('boom');
      }),
    ]);
    // A different function: the hash no longer matches what was applied.
    await expect(store.getOnlineFeatures({ features: ['ratios:boosted'], entities: { user_id: ['a'], bonus: [1] } })).rejects.toMatchObject({
      code: 'TRANSFORMATION_DRIFT',
      status: 409,
    });
    await store.apply(
      [
        ratios(defs, () => {
          throw new Error('boom');
        }),
      ],
      { partial: true },
    );
    await expect(store.getOnlineFeatures({ features: ['ratios:boosted'], entities: { user_id: ['a'], bonus: [1] } })).rejects.toThrow(
      /on demand feature view 'ratios': transformation threw: boom/,
    );
    await store.apply([ratios(defs, (c) => ({ messages_per_session: c.messages, boosted: c.sessions.map(() => 'x'), active: c.messages }))], { partial: true });
    const err = await store.getOnlineFeatures({ features: ['ratios:boosted'], entities: { user_id: ['a'], bonus: [1] } }).catch((e) => e);
    expect(err).toMatchObject({ code: 'TRANSFORMATION_ERROR', status: 422 });
    expect(err.message).toMatch(/output 'boosted' row 0: expected an integer/);
  });

  it('requires its request data and validates it', async () => {
    await expect(store.getOnlineFeatures({ features: ['ratios:boosted'], entities: { user_id: ['a'] } })).rejects.toThrow(/missing request data 'bonus'/);
    await expect(store.getOnlineFeatures({ features: ['ratios:boosted'], entities: { user_id: ['a'], bonus: ['lots'] } })).rejects.toThrow(
      /request data 'bonus' row 0/,
    );
  });
});
