import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import { ConflictError, errorBody, OnlineWriteIncompleteError, PushIncompleteError, ServiceUnavailableError, ValidationError } from '../../shared/errors.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import type { OfflineStore } from '../../shared/offline/offline-store.js';
import type { OnlineStore } from '../../shared/online/online-store.js';
import type { StoreContext } from '../../shared/services/context.js';
import { push, type PushRequest } from '../../shared/services/push.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

// What a pushing client sees: every bad row named before anything is written, and when a store
// fails, which part was written where and that a retry is safe. Faults are injected by wrapping the
// real local stores, so everything not failing is the product's own path.
const user = new Entity({ name: 'user_id', valueType: Str });
const device = new Entity({ name: 'device', valueType: Int64 });
const clicks = new PushSource({ name: 'clicks', batchSource: new FileSource({ name: 'click_files', path: 'data/clicks', timestampField: 'ts' }) });
const count = new FeatureView({
  name: 'click_count',
  entities: [user, device],
  ttl: { days: 1 },
  schema: [new Field({ name: 'n', dtype: Int64 })],
  source: clicks,
});
const rate = new FeatureView({
  name: 'click_rate',
  entities: [user, device],
  ttl: { days: 1 },
  schema: [new Field({ name: 'r', dtype: Float64 })],
  source: clicks,
});
const last = new FeatureView({
  name: 'click_last',
  entities: [user, device],
  ttl: { days: 1 },
  schema: [new Field({ name: 'page', dtype: Str })],
  source: clicks,
});

const NOW = new Date('2024-06-01T12:00:00Z');
const TS = '2024-06-01T11:00:00Z';
const row = (id: string, extra: Record<string, unknown> = {}) => ({ user_id: id, device: 1, ts: TS, n: 3, r: 0.5, page: '/home', ...extra });

describe('Push: what the client is told', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;

  beforeEach(async () => {
    tmp = tempDir();
    store = openTestStore(tmp.dir, { now: NOW });
    await store.apply([user, device, count, rate, last]);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  const offlineFiles = () => {
    const dir = join(tmp.dir, 'data/clicks');
    return existsSync(dir)
      ? readdirSync(dir, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.parquet'))
      : [];
  };
  const onlineCount = async (id: string) => {
    const res = await store.getOnlineFeatures({ features: ['click_count:n'], entities: { user_id: [id], device: [1] } });
    return res.results[2];
  };
  const rejected = async (req: PushRequest): Promise<ValidationError> => {
    const err = await store.push(req).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(errorBody(err).status).toBe(400);
    return err as ValidationError;
  };
  const nothingWritten = async (...ids: string[]) => {
    for (const id of ids) expect((await onlineCount(id)).statuses).toEqual(['NOT_FOUND']);
    expect(offlineFiles()).toEqual([]);
    expect(await store.context.online.watermarks()).toEqual([]);
  };

  describe('validation, before anything is written', () => {
    it("refuses an unknown 'to', listing the accepted ones", async () => {
      const err = await rejected({ pushSourceName: 'clicks', rows: [row('a')], to: 'everywhere' as never });
      expect(err.message).toBe('invalid \'to\': "everywhere"');
      expect(err.issues).toEqual([{ field: 'to', message: 'expected online, offline or online_and_offline' }]);
      await nothingWritten('a');
    });

    it('answers 404 for a push source the registry does not know, naming it', async () => {
      const err = await store.push({ pushSourceName: 'clickz', rows: [row('a')] }).catch((e) => e);
      expect(errorBody(err)).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND', details: { name: 'clickz' } } } });
    });

    it('refuses a push source whose views were all deleted, naming it', async () => {
      for (const v of ['click_count@v1', 'click_rate@v1', 'click_last@v1']) await store.deprecate(v), await store.deleteVersion(v);
      const err = await rejected({ pushSourceName: 'clicks', rows: [row('a')] });
      expect(err.message).toBe("push source 'clicks' feeds no feature view");
      expect(err.issues).toEqual([{ field: 'push_source_name', message: 'no views' }]);
    });

    it('refuses an empty push, in rows and in df form, and a request with neither', async () => {
      for (const req of [{ rows: [] }, { df: { user_id: [] } }, {}]) {
        const err = await rejected({ pushSourceName: 'clicks', ...req });
        expect(err.message).toBe('push has no rows');
        expect(err.issues).toEqual([{ field: 'df', message: 'expected at least one row' }]);
      }
      const noColumns = await rejected({ pushSourceName: 'clicks', df: {} });
      expect(noColumns.issues).toEqual([{ field: 'df', message: 'expected at least one column' }]);
    });

    it('names each bad row and field, counts the rest in the message, and writes none of the good rows', async () => {
      const rows = [
        row('good'),
        row('b', { colour: 'red' }),
        null,
        ['a', 'list'],
        'a row',
        row('d', { user_id: null }),
        (({ device: _d, ...r }) => r)(row('e')),
        (({ n: _n, ...r }) => r)(row('f')),
        row('g', { n: 'many' }),
        (({ ts: _t, ...r }) => r)(row('h')),
      ];
      const err = await rejected({ pushSourceName: 'clicks', rows: rows as never, to: 'online_and_offline' });
      expect(err.message).toBe("push to 'clicks' rejected, nothing written: row 1, field 'colour': unknown column for push source 'clicks' (and 8 more)");
      expect(err.issues).toEqual([
        { row: 1, field: 'colour', message: "unknown column for push source 'clicks'" },
        { row: 2, field: '(row)', message: 'expected an object of columns' },
        { row: 3, field: '(row)', message: 'expected an object of columns' },
        { row: 4, field: '(row)', message: 'expected an object of columns' },
        { row: 5, field: 'user_id', message: 'required' },
        { row: 6, field: 'device', message: 'required' },
        { row: 7, field: 'n', message: 'missing column: send null to write null' },
        { row: 8, field: 'n', message: 'expected an integer of 64 bits (a JSON number or a decimal string), got "many"' },
        { row: 9, field: 'ts', message: 'required' },
      ]);
      await nothingWritten('good');
    });

    it('says nothing about "more" when exactly one thing is wrong', async () => {
      const err = await rejected({ pushSourceName: 'clicks', rows: [row('a', { ts: null })] });
      expect(err.message).toBe("push to 'clicks' rejected, nothing written: row 0, field 'ts': required");
    });

    it('reports at most 50 issues however many rows are bad, and counts all of them in the message', async () => {
      for (const bad of [51, 120, 1000]) {
        const rows = Array.from({ length: bad }, (_, i) => row(`u${i}`, { n: 'x' }));
        const err = await rejected({ pushSourceName: 'clicks', rows });
        expect(err.issues).toHaveLength(50);
        expect(err.issues.map((i) => i.row)).toEqual(Array.from({ length: 50 }, (_, i) => i));
        expect(err.message).toMatch(new RegExp(`\\(and ${bad - 1} more\\)$`));
      }
    });

    it('reads a timestamp without a zone as an error, and names the accepted forms', async () => {
      const err = await rejected({ pushSourceName: 'clicks', rows: [row('a', { ts: '2024-06-01 11:00:00' })] });
      expect(err.issues).toEqual([{ row: 0, field: 'ts', message: expect.stringMatching(/\(or epoch seconds\), got "2024-06-01 11:00:00"$/) }]);
    });
  });

  describe('where a valid push goes', () => {
    it('online only by default: every online view written, no offline file, no offline path in the answer', async () => {
      const res = await store.push({ pushSourceName: 'clicks', rows: [row('a'), row('b')] });
      expect(res).toEqual({
        rows: 2,
        online: [
          { view: 'click_count@v1', written: 2, skipped: 0 },
          { view: 'click_rate@v1', written: 2, skipped: 0 },
          { view: 'click_last@v1', written: 2, skipped: 0 },
        ],
      });
      expect(offlineFiles()).toEqual([]);
    });

    it('offline only: a part file and its path, nothing online, no watermark', async () => {
      const res = await store.push({ pushSourceName: 'clicks', rows: [row('a')], to: 'offline' });
      expect(res.online).toEqual([]);
      expect(res.offline?.path).toBeTruthy();
      expect(offlineFiles()).toHaveLength(1);
      expect((await onlineCount('a')).statuses).toEqual(['NOT_FOUND']);
      expect(await store.context.online.watermarks()).toEqual([]);
    });

    it('df (columns) and rows give the same result', async () => {
      const df = { user_id: ['a', 'b'], device: [1, 2], ts: [TS, TS], n: [1, 2], r: [0.1, 0.2], page: ['/x', '/y'] };
      const res = await store.push({ pushSourceName: 'clicks', df, to: 'online_and_offline' });
      expect(res.rows).toBe(2);
      const read = await store.getOnlineFeatures({ features: ['click_count:n', 'click_last:page'], entities: { user_id: ['a', 'b'], device: [1, 2] } });
      expect(read.results.slice(2).map((c) => c.values)).toEqual([
        [1, 2],
        ['/x', '/y'],
      ]);
    });

    it('hands each view its own ttl, so stores that expire items (DynamoDB TTL) expire them on time', async () => {
      const seen: [string, unknown][] = [];
      const real = store.context.online;
      const online: OnlineStore = Object.assign(Object.create(real), {
        write: (...args: Parameters<OnlineStore['write']>) => (seen.push([args[0], args[3]?.ttlSeconds]), real.write(...args)),
      });
      const ttl2 = new FeatureView({
        name: 'click_rate',
        entities: [user, device],
        ttl: { hours: 2 },
        schema: [new Field({ name: 'r', dtype: Float64 })],
        source: clicks,
      });
      await store.apply([user, device, count, ttl2, last]);
      await push({ ...store.context, online }, { pushSourceName: 'clicks', rows: [row('a')] });
      expect(seen).toEqual([
        ['click_count@v1', 86_400],
        ['click_rate@v1', 7_200],
        ['click_last@v1', 86_400],
      ]);
    });

    it('stamps online records without a created column with the push time', async () => {
      await store.push({ pushSourceName: 'clicks', rows: [row('a')] });
      const [rec] = await store.context.online.read([
        {
          view: 'click_count@v1',
          entityKey: JSON.stringify([
            ['device', 1],
            ['user_id', 'a'],
          ]),
        },
      ]);
      expect(rec).toMatchObject({ eventTs: Date.parse(TS), createdTs: NOW.getTime(), values: { n: 3 } });
    });

    it('treats a declared created-timestamp column as optional: a row without it is stamped with the push time', async () => {
      const stamped = new PushSource({
        name: 'stamped',
        batchSource: new FileSource({ name: 'stamped_files', path: 'data/stamped', timestampField: 'ts', createdTimestampColumn: 'created' }),
      });
      const view = new FeatureView({
        name: 'stamped_n',
        entities: [user],
        ttl: { days: 1 },
        schema: [new Field({ name: 'n', dtype: Int64 })],
        source: stamped,
      });
      await store.apply([user, device, count, rate, last, view]);
      await store.push({
        pushSourceName: 'stamped',
        rows: [
          { user_id: 'a', ts: TS, n: 1 },
          { user_id: 'b', ts: TS, created: TS, n: 2 },
        ],
      });
      const recs = await store.context.online.read(['a', 'b'].map((id) => ({ view: 'stamped_n@v1', entityKey: JSON.stringify([['user_id', id]]) })));
      expect(recs.map((r) => r?.createdTs)).toEqual([NOW.getTime(), Date.parse(TS)]);
    });
  });

  describe('a store that fails', () => {
    const failingOffline = (fail: unknown, log: string[]): OfflineStore => {
      const real = store.context.offline;
      return Object.assign(Object.create(real), {
        async stagePush(...args: Parameters<OfflineStore['stagePush']>) {
          const pending = await real.stagePush(...args);
          return {
            path: pending.path,
            commit: async () => {
              log.push('commit');
              throw fail;
            },
            abort: async () => {
              log.push('abort');
              await pending.abort();
              throw new Error('abort failed too'); // the caller must still see the commit failure
            },
          };
        },
      });
    };
    /** The real online store, failing on the n-th view write with `fail(rows)`. */
    const failingOnline = (at: number, fail: (view: string, rows: number) => unknown): OnlineStore => {
      const real = store.context.online;
      let calls = 0;
      return Object.assign(Object.create(real), {
        write: async (...args: Parameters<OnlineStore['write']>) => {
          if (calls++ === at) throw fail(args[0], args[1].length);
          return real.write(...args);
        },
      });
    };

    it('offline commit failure: 503 PUSH_FAILED, the stage aborted, nothing online', async () => {
      const log: string[] = [];
      const ctx: StoreContext = { ...store.context, offline: failingOffline(Object.assign(new Error('disk full'), { name: 'ENOSPC' }), log) };
      const err = await push(ctx, { pushSourceName: 'clicks', rows: [row('a')], to: 'online_and_offline' }).catch((e) => e);
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect(err.code).toBe('PUSH_FAILED');
      expect(err.message).toBe("push to 'clicks' failed writing offline; nothing was written online: ENOSPC");
      expect(err.details).toEqual({ offline: 'not written', online: 'not attempted' });
      expect(errorBody(err).status).toBe(503);
      expect(log).toEqual(['commit', 'abort']);
      expect((await onlineCount('a')).statuses).toEqual(['NOT_FOUND']);
    });

    it('offline commit failing with something that is not an Error still answers 503 PUSH_FAILED', async () => {
      for (const thrown of [undefined, 'EIO', { code: 42 }]) {
        const ctx: StoreContext = { ...store.context, offline: failingOffline(thrown, []) };
        const err = await push(ctx, { pushSourceName: 'clicks', rows: [row('a')], to: 'offline' }).catch((e) => e);
        expect(err).toBeInstanceOf(ServiceUnavailableError);
        expect(err.message).toBe("push to 'clicks' failed writing offline; nothing was written online: error");
      }
    });

    it('offline commit refused on purpose (e.g. a conflict) reaches the client as that error, not as a 503', async () => {
      const log: string[] = [];
      const ctx: StoreContext = { ...store.context, offline: failingOffline(new ConflictError('part exists'), log) };
      const err = await push(ctx, { pushSourceName: 'clicks', rows: [row('a')], to: 'offline' }).catch((e) => e);
      expect(err).toBeInstanceOf(ConflictError);
      expect(errorBody(err).status).toBe(409);
      expect(log).toEqual(['commit', 'abort']);
    });

    it('an online failure part-way: which views were written, partly written and not attempted; a retry converges', async () => {
      const ctx: StoreContext = {
        ...store.context,
        online: failingOnline(1, (view, rows) => new OnlineWriteIncompleteError(view, 1, rows - 1, new Error('throttled'))),
      };
      const rows = [row('a'), row('b'), row('c')];
      const err = await push(ctx, { pushSourceName: 'clicks', rows, to: 'online_and_offline' }).catch((e) => e);
      expect(err).toBeInstanceOf(PushIncompleteError);
      expect(err.code).toBe('PUSH_INCOMPLETE');
      expect(errorBody(err).status).toBe(503);
      expect(err.message).toBe(
        "push to 'clicks' incomplete: offline written; online click_rate@v1: 1 of 3 rows written before the online store failed; retry the same request",
      );
      expect(err.details.offline).toMatch(/^written: /);
      expect(err.details.online).toEqual([
        { view: 'click_count@v1', status: 'written' },
        { view: 'click_rate@v1', status: 'partial', written: 1, unwritten: 2 },
        { view: 'click_last@v1', status: 'not attempted' },
      ]);
      expect(err.details.retry).toMatch(/^safe/);
      expect(offlineFiles()).toHaveLength(1);
      // The retry on a healthy store completes every view.
      const res = await store.push({ pushSourceName: 'clicks', rows, to: 'online' });
      expect(res.online.map((o) => o.view)).toEqual(['click_count@v1', 'click_rate@v1', 'click_last@v1']);
    });

    it('an online failure without a partial count reports every row of that view unwritten, and offline not requested', async () => {
      const ctx: StoreContext = { ...store.context, online: failingOnline(0, () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })) };
      const err = await push(ctx, { pushSourceName: 'clicks', rows: [row('a'), row('b')] }).catch((e) => e);
      expect(err).toBeInstanceOf(PushIncompleteError);
      expect(err.message).toBe(
        "push to 'clicks' incomplete: offline not requested; online click_count@v1: 0 of 2 rows written before the online store failed; retry the same request",
      );
      expect(err.details.offline).toBe('not requested');
      expect(err.details.online).toEqual([
        { view: 'click_count@v1', status: 'partial', written: 0, unwritten: 2 },
        { view: 'click_rate@v1', status: 'not attempted' },
        { view: 'click_last@v1', status: 'not attempted' },
      ]);
    });

    it('an online store refusing the input (a 4xx) is passed through as that refusal, not reported as an outage', async () => {
      const refusal = new ValidationError('row 0: entity key too long', [{ row: 0, field: 'entity key', message: 'at most 2048 bytes' }]);
      const ctx: StoreContext = { ...store.context, online: failingOnline(0, () => refusal) };
      const err = await push(ctx, { pushSourceName: 'clicks', rows: [row('a')] }).catch((e) => e);
      expect(err).toBe(refusal);
    });

    it('checks every entity key against the online store before writing offline', async () => {
      const seen: string[] = [];
      const real = store.context.online;
      const online: OnlineStore = Object.assign(Object.create(real), {
        checkKeys: () => {
          seen.push('checkKeys');
          throw new ValidationError('row 0: entity key is 5000 bytes', [{ row: 0, field: 'entity key', message: 'at most 2048 bytes' }]);
        },
      });
      const err = await push({ ...store.context, online }, { pushSourceName: 'clicks', rows: [row('a')], to: 'online_and_offline' }).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(seen).toEqual(['checkKeys']);
      expect(offlineFiles()).toEqual([]);
      // Offline-only pushes do not need online keys.
      await expect(push({ ...store.context, online }, { pushSourceName: 'clicks', rows: [row('a')], to: 'offline' })).resolves.toMatchObject({ rows: 1 });
    });
  });
});
