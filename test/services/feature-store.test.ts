import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeatureStore } from '../../shared/feature-store.js';
import { ValidationError } from '../../shared/errors.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const T = (s: string) => new Date(`2024-03-${s}Z`);

describe('FeatureStore on the local provider', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: T('10T12:00:00') };

  beforeEach(async () => {
    tmp = tempDir();
    clock.now = T('10T12:00:00');
    await writeParquet(join(tmp.dir, 'data/activity/part-1.parquet'), ACTIVITY_COLUMNS, [
      { user_id: 'a', event_date: T('08T00:00:00'), created_at: T('08T01:00:00'), sessions: 1, model: 'm1' },
      { user_id: 'a', event_date: T('09T00:00:00'), created_at: T('09T01:00:00'), sessions: 2, model: 'm2' },
      // Same event time, later created: this one wins.
      { user_id: 'a', event_date: T('09T00:00:00'), created_at: T('09T02:00:00'), sessions: 3, model: 'm3' },
      { user_id: 'b', event_date: T('01T00:00:00'), created_at: T('01T00:00:00'), sessions: 7, model: 'old' },
      { user_id: 'c', event_date: T('09T00:00:00'), created_at: T('09T00:00:00'), sessions: null, model: 'mc' },
      // At the end of the window: excluded by [start, end).
      { user_id: 'd', event_date: T('10T12:00:00'), created_at: T('10T12:00:00'), sessions: 9, model: 'late' },
    ]);
    store = openTestStore(tmp.dir, clock);
    await store.apply(testDefinitions().all);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  const lookup = (features: string[], ids: string[]) => store.getOnlineFeatures({ features, entities: { user_id: ids } });

  describe('materialize', () => {
    it('writes the latest row per key in [start, end) and records the interval after writing', async () => {
      const [res] = await store.materialize({ start: T('01T00:00:00'), end: T('10T12:00:00'), views: ['activity'] });
      expect(res).toMatchObject({ view: 'activity@v1', rows: 3, written: 3, skipped: 0 });
      const out = await lookup(['activity:sessions', 'activity:model'], ['a', 'b', 'c', 'd']);
      expect(out.metadata.feature_names).toEqual(['user_id', 'sessions', 'model']);
      expect(out.results[0].values).toEqual(['a', 'b', 'c', 'd']);
      expect(out.results[1]).toEqual({
        values: [3, null, null, null],
        statuses: ['PRESENT', 'OUTSIDE_MAX_AGE', 'NULL_VALUE', 'NOT_FOUND'],
        event_timestamps: ['2024-03-09T00:00:00.000Z', '2024-03-01T00:00:00.000Z', '2024-03-09T00:00:00.000Z', '1970-01-01T00:00:00.000Z'],
      });
      expect(out.results[2].values).toEqual(['m3', null, 'mc', null]);
      const reg = (await store.registryDump())!;
      expect(reg.materializations['activity@v1'].intervals).toEqual([
        { start: '2024-03-01T00:00:00.000Z', end: '2024-03-10T12:00:00.000Z', rows: 3, completedAt: clock.now.toISOString() },
      ]);
    });

    it('materialize-incremental starts at end − ttl, then at the last recorded end', async () => {
      const [first] = await store.materializeIncremental({ end: T('10T00:00:00'), views: ['activity'] });
      expect(first.start).toBe('2024-03-03T00:00:00.000Z');
      expect(first.rows).toBe(2);
      clock.now = T('11T00:00:00');
      const [second] = await store.materializeIncremental({ end: T('11T00:00:00'), views: ['activity'] });
      expect(second).toMatchObject({ start: '2024-03-10T00:00:00.000Z', end: '2024-03-11T00:00:00.000Z', rows: 1 });
    });

    it('rejects an empty window and unknown views', async () => {
      await expect(store.materialize({ start: T('02T00:00:00'), end: T('01T00:00:00') })).rejects.toThrow(/start must be before end/);
      await expect(store.materialize({ start: T('01T00:00:00'), end: T('02T00:00:00'), views: ['nope'] })).rejects.toThrow(/'nope'/);
    });
  });

  describe('online read', () => {
    it('names unknown features, views and missing join keys', async () => {
      await expect(lookup(['activity:nope'], ['a'])).rejects.toThrow(/feature 'activity@v1:nope' not found/);
      await expect(lookup(['ghost:x'], ['a'])).rejects.toThrow(/feature view 'ghost' not found/);
      await expect(store.getOnlineFeatures({ features: ['activity:sessions'], entities: { uid: ['a'] } })).rejects.toThrow(/missing join key 'user_id'/);
      await expect(lookup(['bad ref'], ['a'])).rejects.toThrow(ValidationError);
    });

    it('serves a feature service with pinned versions', async () => {
      await store.materialize({ start: T('01T00:00:00'), end: T('10T00:00:00') });
      const out = await store.getOnlineFeatures({ featureService: 'model_a', entities: { user_id: ['a'] }, fullFeatureNames: true });
      expect(out.metadata.feature_names).toEqual(['user_id', 'activity__sessions', 'activity__model', 'realtime__messages']);
    });
  });

  describe('push', () => {
    const row = (i: number, over: Record<string, unknown> = {}) => ({
      user_id: `u${i}`,
      event_timestamp: '2024-03-10T11:59:00Z',
      messages: i,
      minutes_ago: 0.5,
      ...over,
    });

    it('writes nothing when one row of 100 is bad, and names that row and field', async () => {
      const rows = Array.from({ length: 100 }, (_, i) => row(i));
      rows[57] = row(57, { messages: 'many' });
      const err = await store.push({ pushSourceName: 'realtime_events', rows, to: 'online_and_offline' }).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(/row 57, field 'messages'/);
      expect(err.issues).toEqual([{ row: 57, field: 'messages', message: expect.stringMatching(/integer/) }]);
      const out = await lookup(['realtime:messages'], ['u0', 'u99']);
      expect(out.results[1].statuses).toEqual(['NOT_FOUND', 'NOT_FOUND']);
      const dir = join(tmp.dir, 'data/realtime');
      expect(existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : []).toEqual([]);
      expect(await store.freshness()).toContainEqual(expect.objectContaining({ view: 'realtime', watermark: null, status: 'stale' }));
    });

    it('keeps the newer value when an older push arrives later; a re-delivered push changes nothing', async () => {
      await store.push({ pushSourceName: 'realtime_events', rows: [row(1, { messages: 10, event_timestamp: '2024-03-10T11:58:00Z' })] });
      const older = await store.push({ pushSourceName: 'realtime_events', rows: [row(1, { messages: 5, event_timestamp: '2024-03-10T11:50:00Z' })] });
      expect(older.online).toEqual([{ view: 'realtime@v1', written: 0, skipped: 1 }]);
      let out = await lookup(['realtime:messages'], ['u1']);
      expect(out.results[1].values).toEqual([10]);
      await store.push({ pushSourceName: 'realtime_events', rows: [row(1, { messages: 10, event_timestamp: '2024-03-10T11:58:00Z' })] });
      out = await lookup(['realtime:messages'], ['u1']);
      expect(out.results[1]).toEqual({ values: [10], statuses: ['PRESENT'], event_timestamps: ['2024-03-10T11:58:00.000Z'] });
    });

    it('accepts Feast’s column-oriented df and rejects unknown columns, missing timestamps and ragged columns', async () => {
      await store.push({
        pushSourceName: 'realtime_events',
        df: { user_id: ['x'], event_timestamp: ['2024-03-10T11:00:00Z'], messages: [1], minutes_ago: [2.5] },
      });
      expect((await lookup(['realtime:minutes_ago'], ['x'])).results[1].values).toEqual([2.5]);
      await expect(store.push({ pushSourceName: 'realtime_events', rows: [row(1, { typo: 1 })] })).rejects.toThrow(/row 0, field 'typo': unknown column/);
      await expect(store.push({ pushSourceName: 'realtime_events', rows: [row(1, { event_timestamp: 'yesterday' })] })).rejects.toThrow(
        /row 0, field 'event_timestamp'/,
      );
      await expect(store.push({ pushSourceName: 'realtime_events', df: { user_id: ['a', 'b'], messages: [1] } })).rejects.toThrow(
        /df\.messages has 1 values, expected 2/,
      );
      await expect(store.push({ pushSourceName: 'nope', rows: [row(1)] })).rejects.toThrow(/push source 'nope' not found/);
    });

    it('makes offline pushes visible to the next historical retrieval as new part files', async () => {
      await store.push({ pushSourceName: 'realtime_events', to: 'offline', rows: [row(1, { messages: 42, event_timestamp: '2024-03-10T11:00:00Z' })] });
      await store.push({ pushSourceName: 'realtime_events', to: 'offline', rows: [row(1, { messages: 43, event_timestamp: '2024-03-10T11:30:00Z' })] });
      expect(readdirSync(join(tmp.dir, 'data/realtime')).filter((f) => f.endsWith('.parquet'))).toHaveLength(2);
      const res = await store.getHistoricalFeatures({
        entity: {
          rows: [
            { user_id: 'u1', event_timestamp: '2024-03-10T11:10:00Z' },
            { user_id: 'u1', event_timestamp: '2024-03-10T11:45:00Z' },
            { user_id: 'u1', event_timestamp: '2024-03-10T13:00:00Z' },
          ],
        },
        features: ['realtime:messages'],
      });
      expect(res.rows!.map((r) => r.messages)).toEqual([42, 43, null]);
      // Online was not touched by an offline push.
      expect((await lookup(['realtime:messages'], ['u1'])).results[1].statuses).toEqual(['NOT_FOUND']);
    });
  });

  describe('historical retrieval', () => {
    it('reads entity rows from CSV and Parquet and writes Parquet, CSV or JSON', async () => {
      const db = await DuckDBSession.create();
      const csv = join(tmp.dir, 'entities.csv');
      await db.copyTo(
        `SELECT 'a' AS user_id, TIMESTAMP '2024-03-09 06:00:00' AS event_timestamp, 1 AS label UNION ALL SELECT 'b', TIMESTAMP '2024-03-02 00:00:00', 0`,
        csv,
        'csv',
      );
      const out = join(tmp.dir, 'train.parquet');
      const res = await store.getHistoricalFeatures({
        entity: { path: csv },
        features: ['activity:sessions', 'activity:model'],
        output: { path: out, format: 'parquet' },
      });
      expect(res).toMatchObject({ rowCount: 2, columns: ['user_id', 'event_timestamp', 'label', 'sessions', 'model'] });
      const rows = await db.all(`SELECT * FROM read_parquet('${out}')`);
      expect(rows.map((r) => [r.user_id, r.sessions, r.model])).toEqual([
        ['a', 3, 'm3'],
        ['b', 7, 'old'],
      ]);
      const json = join(tmp.dir, 'train.json');
      await store.getHistoricalFeatures({
        entity: { path: out },
        features: ['activity:sessions'],
        fullFeatureNames: true,
        output: { path: json, format: 'json' },
      });
      const { readFileSync } = await import('node:fs');
      expect(
        readFileSync(json, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).activity__sessions),
      ).toEqual([3, 7]);
      db.close();
    });

    it('names missing entity columns and colliding output names', async () => {
      await expect(store.getHistoricalFeatures({ entity: { rows: [{ user_id: 'a' }] }, features: ['activity:sessions'] })).rejects.toThrow(
        /missing column\(s\): event_timestamp/,
      );
      await expect(
        store.getHistoricalFeatures({ entity: { rows: [{ user_id: 'a', event_timestamp: 'x' }] }, features: ['activity:sessions'] }),
      ).rejects.toThrow(/invalid event_timestamp in row 0/);
      await expect(
        store.getHistoricalFeatures({ entity: { rows: [{ user_id: 'a', event_timestamp: T('09T00:00:00'), sessions: 1 }] }, features: ['activity:sessions'] }),
      ).rejects.toThrow(/collision: sessions/);
    });
  });

  describe('freshness', () => {
    it('is fresh within the SLA and stale past it; never written is stale; an older push does not move it back', async () => {
      await store.materialize({ start: T('01T00:00:00'), end: T('10T00:00:00'), views: ['activity'] });
      // activity watermark = 2024-03-09T00:00Z, SLA daily = 26 h.
      expect((await store.freshness(new Date('2024-03-10T01:00:00Z'))).find((f) => f.view === 'activity')!.status).toBe('fresh');
      expect((await store.freshness(new Date('2024-03-10T03:00:00Z'))).find((f) => f.view === 'activity')!.status).toBe('stale');
      expect((await store.freshness()).find((f) => f.view === 'realtime')).toMatchObject({ watermark: null, status: 'stale' });
      await store.push({
        pushSourceName: 'realtime_events',
        rows: [{ user_id: 'x', event_timestamp: '2024-03-10T11:56:00Z', messages: 1, minutes_ago: null }],
      });
      expect((await store.freshness(new Date('2024-03-10T12:00:00Z'))).find((f) => f.view === 'realtime')).toMatchObject({ ageSeconds: 240, status: 'fresh' });
      expect((await store.freshness(new Date('2024-03-10T12:02:00Z'))).find((f) => f.view === 'realtime')).toMatchObject({ ageSeconds: 360, status: 'stale' });
      await store.push({
        pushSourceName: 'realtime_events',
        rows: [{ user_id: 'y', event_timestamp: '2024-03-10T11:00:00Z', messages: 1, minutes_ago: null }],
      });
      expect((await store.freshness()).find((f) => f.view === 'realtime')!.watermark).toBe('2024-03-10T11:56:00.000Z');
    });
  });
});
