import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/config.js';
import { NotFoundError, SkewlessError, ValidationError } from '../../shared/errors.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { createOnlineLookupHandler } from '../../functions/http-online-lookup-handler.js';
import { createPushHandler } from '../../functions/http-push-handler.js';
import { testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const NOW = new Date('2024-03-10T12:00:00Z');

/** A local store over a temp dir, with `limits` from skewless.json. */
function open(dir: string, clock: { now: Date }, limits: Record<string, number> = {}): FeatureStore {
  const config = parseConfig({ project: 'test', registryCacheSeconds: 0, limits }, dir, {});
  return new FeatureStore(
    config,
    {
      registryStore: new LocalRegistryStore(join(dir, '.skewless/registry.json')),
      online: new SqliteOnlineStore(join(dir, '.skewless/online.sqlite')),
      offline: new LocalOfflineStore({ repoDir: dir }),
    },
    { now: () => clock.now },
  );
}

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<SkewlessError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'expected a rejection').toBeInstanceOf(SkewlessError);
  return err as SkewlessError;
}

describe('Input validation: no poisoned state, every bad input a 4xx naming its field', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: NOW };
  const row = (over: Record<string, unknown> = {}) => ({ user_id: 'u1', event_timestamp: '2024-03-10T11:59:00Z', messages: 1, minutes_ago: 0.5, ...over });
  const pushRows = (rows: Record<string, unknown>[], to: 'online' | 'offline' | 'online_and_offline' = 'online') =>
    store.push({ pushSourceName: 'realtime_events', rows, to });
  const lookup = (ids: string[], features = ['realtime:messages', 'realtime:minutes_ago']) => store.getOnlineFeatures({ features, entities: { user_id: ids } });
  const offlineParts = () =>
    existsSync(join(tmp.dir, 'data/realtime'))
      ? readdirSync(join(tmp.dir, 'data/realtime'), { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.parquet'))
      : [];

  beforeEach(async () => {
    tmp = tempDir();
    clock.now = NOW;
    await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, [
      { user_id: 'a', event_date: new Date('2024-03-09T00:00:00Z'), created_at: new Date('2024-03-09T00:00:00Z'), sessions: 4, model: 'm' },
    ]);
    store = open(tmp.dir, clock);
    await store.apply(testDefinitions().all);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  describe('item 1: far-future event times', () => {
    it('refuses an event time beyond the clock-skew allowance, naming row and field, and later pushes still win', async () => {
      for (const ts of ['9999-12-31T00:00:00Z', 99999999999, '2024-03-10T12:06:00Z']) {
        const err = await rejection(pushRows([row(), row({ event_timestamp: ts })]));
        expect(err.status).toBe(400);
        expect(err.message).toMatch(/row 1, field 'event_timestamp': .*(in the future|between years)/);
      }
      expect(offlineParts()).toEqual([]);
      expect((await lookup(['u1'])).results[1].statuses).toEqual(['NOT_FOUND']);
      await pushRows([row({ event_timestamp: '2024-03-10T12:04:00Z', messages: 7 })]);
      expect((await lookup(['u1'])).results[1].values).toEqual([7]);
      expect((await store.freshness()).find((f) => f.view === 'realtime')!.watermark).toBe('2024-03-10T12:04:00.000Z');
    });

    it('takes the allowance from limits.maxClockSkewSeconds', async () => {
      await store.close();
      store = open(tmp.dir, clock, { maxClockSkewSeconds: 3600 });
      await expect(pushRows([row({ event_timestamp: '2024-03-10T12:50:00Z' })])).resolves.toMatchObject({ rows: 1 });
      await expect(pushRows([row({ event_timestamp: '2024-03-10T13:01:00Z' })])).rejects.toThrow(/in the future/);
    });
  });

  describe('item 2: far-future materialization windows', () => {
    it('refuses materialize-incremental ending beyond the allowance and records nothing, so later runs still work', async () => {
      const err = await rejection(store.materializeIncremental({ end: new Date('9999-12-31T00:00:00Z') }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(/end_ts: .*in the future/);
      expect((await store.registryDump())!.materializations['activity@v1']).toBeUndefined();
      await expect(store.materialize({ start: new Date('2024-03-01T00:00:00Z'), end: new Date('9999-01-01T00:00:00Z') })).rejects.toThrow(/end_ts/);
      const [ok] = await store.materializeIncremental({ end: NOW, views: ['activity'] });
      expect(ok).toMatchObject({ end: NOW.toISOString(), rows: 1 });
    });
  });

  describe('item 3: one strict timestamp parser', () => {
    it.each([
      ['2026-02-30T00:00:00Z', /day 30 does not exist/],
      ['2024-03-10T24:00:00Z', /does not exist/],
      ['2024-03-10T11:00:00', /zone designator/],
      ['yesterday', /RFC 3339/],
      // biome-ignore lint/correctness/noPrecisionLoss: a JSON number past 2^64 is the input under test
      [18446744073709551616, /between years/],
      [-1e20, /between years/],
    ])('refuses %s with a 400 naming the field, and writes nothing offline', async (ts, message) => {
      const err = await rejection(pushRows([row({ event_timestamp: ts })], 'online_and_offline'));
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/row 0, field 'event_timestamp'/);
      expect(err.message).toMatch(message);
      expect(offlineParts()).toEqual([]);
    });

    it('reads epoch numbers as seconds and accepts offsets', async () => {
      await pushRows([row({ user_id: 'e', event_timestamp: 1710068400 }), row({ user_id: 'o', event_timestamp: '2024-03-10T13:00:00+02:00' })]);
      const out = await lookup(['e', 'o']);
      expect(out.results[1].event_timestamps).toEqual(['2024-03-10T11:00:00.000Z', '2024-03-10T11:00:00.000Z']);
    });
  });

  describe('item 4: Int64 range', () => {
    it('refuses out-of-range Int64 strings on every path, keeps in-range ones exact', async () => {
      for (const to of ['online', 'offline'] as const) {
        const err = await rejection(pushRows([row({ messages: '99999999999999999999' })], to));
        expect(err.status).toBe(400);
        expect(err.message).toMatch(/row 0, field 'messages': expected an integer of 64 bits: "?99999999999999999999"? is out of range/);
      }
      expect(offlineParts()).toEqual([]);
      await pushRows([row({ messages: '9223372036854775807' })], 'online_and_offline');
      expect((await lookup(['u1'])).results[1].values).toEqual(['9223372036854775807']);
    });

    it('does not show a JSON number past 2^53 rounded as if it were the input', async () => {
      const body = JSON.parse('{"messages": 12345678901234567890}') as { messages: number };
      const err = await rejection(pushRows([row({ messages: body.messages })]));
      expect(err.message).toMatch(/loses precision.*send it as a decimal string/);
      expect(err.message).not.toMatch(/1234567890123456/);
    });
  });

  describe('item 5: Float32 overflow', () => {
    it('refuses values that are not finite in Float32, online and offline alike', async () => {
      for (const to of ['online', 'offline', 'online_and_offline'] as const) {
        for (const v of [1e39, '-1e39', 'Infinity']) {
          const err = await rejection(pushRows([row({ minutes_ago: v })], to));
          expect(err.message).toMatch(/row 0, field 'minutes_ago': expected a Float32 number/);
        }
      }
      expect(offlineParts()).toEqual([]);
      await pushRows([row({ minutes_ago: 3.4e38 })]);
      expect((await lookup(['u1'])).results[2].statuses).toEqual(['PRESENT']);
    });
  });

  describe('item 6: names inherited from JavaScript objects', () => {
    it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'])(
      'answers %s as a view, feature, service or push source with 404, not a TypeError',
      async (name) => {
        for (const call of [
          () => store.getOnlineFeatures({ featureService: name, entities: { user_id: ['a'] } }),
          () => store.getOnlineFeatures({ features: [`${name}:x`], entities: { user_id: ['a'] } }),
          () => store.getOnlineFeatures({ features: [`activity:${name}`], entities: { user_id: ['a'] } }),
          () => store.push({ pushSourceName: name, rows: [row()] }),
        ]) {
          const err = await rejection(call());
          expect(err).toBeInstanceOf(NotFoundError);
          expect(err.status).toBe(404);
        }
      },
    );

    it('refuses a __proto__ or constructor column by name instead of dropping it', async () => {
      const df = JSON.parse('{"user_id":["a"],"event_timestamp":["2024-03-10T11:00:00Z"],"messages":[1],"minutes_ago":[1],"__proto__":[1]}');
      await expect(store.push({ pushSourceName: 'realtime_events', df })).rejects.toThrow(/row 0, field '__proto__': unknown column/);
      await expect(pushRows([row({ constructor: 1 })])).rejects.toThrow(/field 'constructor': unknown column/);
      const entities = JSON.parse('{"user_id":["a"],"__proto__":["b"]}');
      await expect(store.getOnlineFeatures({ features: ['activity:sessions'], entities })).rejects.toThrow(/unknown entity key '__proto__'/);
    });

    it('does not take a join key from Object.prototype', async () => {
      const err = await rejection(store.getOnlineFeatures({ features: ['activity:sessions'], entities: { constructor: ['a'] } as Record<string, unknown[]> }));
      expect(err.message).toMatch(/missing join key 'user_id'/);
    });
  });

  describe('item 7: bounded error messages', () => {
    it('answers a 10,000-level nested value with a short 400, in a feature, a timestamp or a join key', async () => {
      const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
      for (const field of ['messages', 'event_timestamp', 'user_id']) {
        const err = await rejection(pushRows([row({ [field]: deep })]));
        expect(err.status).toBe(400);
        expect(err.message).toMatch(new RegExp(`row 0, field '${field}'`));
        expect(err.message.length).toBeLessThan(500);
      }
      const lookupErr = await rejection(store.getOnlineFeatures({ features: ['activity:sessions'], entities: { user_id: [deep] } }));
      expect([lookupErr.status, lookupErr.message.length < 500]).toEqual([400, true]);
    });

    it('quotes at most a bounded part of a huge bad value, however many rows carry it', async () => {
      const huge = 'x'.repeat(1_000_000);
      const err = await rejection(pushRows(Array.from({ length: 6 }, () => row({ messages: huge, minutes_ago: huge }))));
      expect(JSON.stringify({ message: err.message, details: err.details }).length).toBeLessThan(10_000);
      expect(err.message).toMatch(/1000000 chars/);
    });
  });

  describe('issue 10 item 6: missing columns and one coercion rule', () => {
    it('refuses a row missing a feature column, naming it; an explicit null writes null', async () => {
      await pushRows([row({ messages: 5, minutes_ago: 2 })]);
      const missing = await rejection(pushRows([{ user_id: 'u1', event_timestamp: '2024-03-10T11:59:30Z', messages: 6 }]));
      expect(missing.message).toMatch(/row 0, field 'minutes_ago': missing column: send null to write null/);
      expect((await lookup(['u1'])).results[2].values).toEqual([2]);
      await pushRows([row({ event_timestamp: '2024-03-10T11:59:30Z', messages: 6, minutes_ago: null })]);
      expect((await lookup(['u1'])).results[2]).toMatchObject({ values: [null], statuses: ['NULL_VALUE'] });
    });

    it('treats numeric strings alike for every numeric type', async () => {
      await pushRows([row({ messages: '5', minutes_ago: '1.5' })]);
      expect((await lookup(['u1'])).results.slice(1).map((r) => r.values[0])).toEqual([5, 1.5]);
      const intErr = await rejection(pushRows([row({ messages: '1.5' })]));
      expect(intErr.message).toMatch(/field 'messages': expected an integer of 64 bits/);
      for (const [field, v] of [
        ['messages', 'abc'],
        ['minutes_ago', 'abc'],
        ['messages', true],
        ['minutes_ago', ''],
      ] as const) {
        const err = await rejection(pushRows([row({ [field]: v })]));
        expect(err.message).toMatch(new RegExp(`field '${field}': expected (an integer of 64 bits|a Float32 number) \\(a JSON number or a decimal string\\)`));
      }
    });
  });

  describe('item 12: caps on entities per lookup and rows per push', () => {
    it('answers 413 naming the field above the configured caps on the HTTP / Lambda routes, and leaves library calls uncut', async () => {
      await store.close();
      store = open(tmp.dir, clock, { maxEntitiesPerLookup: 10, maxRowsPerPush: 5 });
      const event = (body: unknown) => ({
        httpMethod: 'POST',
        path: '/',
        headers: { 'content-type': 'application/json' },
        queryStringParameters: null,
        body: JSON.stringify(body),
        isBase64Encoded: false,
      });
      const lookupHandler = createOnlineLookupHandler(async () => store);
      const pushHandler = createPushHandler(async () => store);
      const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);
      const many = await lookupHandler(event({ features: ['realtime:messages'], entities: { user_id: ids(11) } }), {} as never);
      expect([many.statusCode, JSON.parse(many.body).error.code]).toEqual([413, 'LIMIT_EXCEEDED']);
      expect(JSON.parse(many.body).error.message).toMatch(/entities\.user_id has 11 values; one lookup takes at most 10/);
      expect((await lookupHandler(event({ features: ['realtime:messages'], entities: { user_id: ids(10) } }), {} as never)).statusCode).toBe(200);
      const df = {
        user_id: ids(6),
        event_timestamp: ids(6).map(() => '2024-03-10T11:00:00Z'),
        messages: ids(6).map(() => 1),
        minutes_ago: ids(6).map(() => 1),
      };
      const rows = await pushHandler(event({ push_source_name: 'realtime_events', df }), {} as never);
      expect([rows.statusCode, JSON.parse(rows.body).error.message]).toEqual([
        413,
        expect.stringMatching(/push of 6 rows \(df\.user_id\) exceeds the limit of 5/),
      ]);
      expect((await lookup(['u1'])).results[1].statuses).toEqual(['NOT_FOUND']);
      // The library (and stream batches, which combine records) is not cut by request caps.
      await expect(lookup(ids(11))).resolves.toBeDefined();
    });
  });
});
