import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Entity,
  FeatureView,
  Field,
  FileSource,
  Int64,
  OnDemandFeatureView,
  PushSource,
  RequestSource,
  String as Str,
} from '../../shared/definitions/index.js';
import { errorBody, ValidationError } from '../../shared/errors.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import type { OnlineFeaturesRequest } from '../../shared/services/online-read.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

// The online read as a client sees it: the exact refusal for each malformed request (400, naming
// the field), join keys first in request order, full feature names, deprecation warnings, and the
// event time and inputs of on-demand features (newest input; an expired input reads as null).
const user = new Entity({ name: 'user_id', valueType: Str });
const shop = new Entity({ name: 'shop', valueType: Int64 });
const push = (name: string) => new PushSource({ name, batchSource: new FileSource({ path: `data/${name}_files`, timestampField: 'ts' }) });
const visits = new FeatureView({
  name: 'visits',
  entities: [user],
  ttl: { hours: 1 },
  schema: [new Field({ name: 'n', dtype: Int64 })],
  source: push('visits_push'),
});
const spend = new FeatureView({
  name: 'spend',
  entities: [user, shop],
  ttl: { hours: 2 },
  schema: [new Field({ name: 'cents', dtype: Int64 })],
  source: push('spend_push'),
});
const req = new RequestSource({ name: 'req', schema: [new Field({ name: 'bonus', dtype: Int64 })] });
const total = new OnDemandFeatureView({
  name: 'total',
  sources: [visits.select('n'), spend.select('cents'), req],
  schema: [new Field({ name: 'sum', dtype: Int64 })],
  transform: (c) => ({
    sum: c.n.map((n, i) =>
      n === null && c.cents[i] === null ? null : ((n as number | null) ?? 0) + ((c.cents[i] as number | null) ?? 0) + (c.bonus[i] as number),
    ),
  }),
});

const T0 = new Date('2024-05-01T12:00:00Z');
const iso = (ms: number) => new Date(T0.getTime() + ms).toISOString();

describe('Online read: what the client gets', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: T0 };

  beforeEach(async () => {
    tmp = tempDir();
    clock.now = T0;
    store = openTestStore(tmp.dir, clock);
    await store.apply([user, shop, visits, spend, total]);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  const refused = async (r: Partial<OnlineFeaturesRequest>) => {
    const err = await store.getOnlineFeatures(r as OnlineFeaturesRequest).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(errorBody(err).status).toBe(400);
    return { message: err.message as string, issues: (err as ValidationError).issues };
  };

  describe('refusals, each naming the field', () => {
    it('both or neither of features / feature_service', async () => {
      const expected = {
        message: 'give either features or feature_service',
        issues: [{ field: 'features', message: 'exactly one of features / feature_service is required' }],
      };
      expect(await refused({ entities: { user_id: ['a'] } })).toEqual(expected);
      expect(await refused({ features: [], entities: { user_id: ['a'] } })).toEqual(expected);
      expect(await refused({ features: ['visits:n'], featureService: 'x', entities: { user_id: ['a'] } })).toEqual(expected);
    });

    it('entities that are not an object of columns', async () => {
      for (const entities of [null, ['a'], 'a']) {
        expect(await refused({ features: ['visits:n'], entities: entities as never })).toEqual({
          message: 'entities: expected an object of columns: { "name": [values] }',
          issues: [{ field: 'entities', message: 'expected an object of columns: { "name": [values] }' }],
        });
      }
      expect(await refused({ features: ['visits:n'], entities: {} })).toEqual({
        message: 'no entities given: expected at least one column',
        issues: [{ field: 'entities', message: 'expected at least one column' }],
      });
      expect(await refused({ features: ['visits:n'], entities: { user_id: 'a' } as never })).toEqual({
        message: 'entities.user_id: expected an array of values',
        issues: [{ field: 'entities.user_id', message: 'expected an array of values' }],
      });
    });

    it('ragged columns, naming the column that differs and the count expected', async () => {
      expect(await refused({ features: ['spend:cents'], entities: { user_id: ['a', 'b'], shop: [1] } })).toEqual({
        message: 'entities.shop has 1 values, expected 2',
        issues: [{ field: 'entities.shop', message: 'expected 2 values' }],
      });
    });

    it('a missing join key, and one that is not an own property', async () => {
      const expected = { message: "missing join key 'shop' in entities", issues: [{ field: 'entities.shop', message: 'join key is required' }] };
      expect(await refused({ features: ['spend:cents'], entities: { user_id: ['a'] } })).toEqual(expected);
      const inherited = Object.create({ shop: [1] }) as Record<string, unknown[]>;
      inherited.user_id = ['a'];
      expect(await refused({ features: ['spend:cents'], entities: inherited })).toEqual(expected);
    });

    it('a column that is neither a join key nor a request field, listing what is expected', async () => {
      expect(await refused({ features: ['spend:cents'], entities: { user_id: ['a'], shop: [1], shp: [1] } })).toEqual({
        message: "unknown entity key 'shp': expected user_id, shop",
        issues: [{ field: 'entities.shp', message: 'not a join key or request field of the requested features' }],
      });
      // A request field of a requested on-demand view is expected, not unknown.
      const ok = await store.getOnlineFeatures({ features: ['total:sum'], entities: { user_id: ['a'], shop: [1], bonus: [1] } });
      expect(ok.metadata.feature_names).toEqual(['user_id', 'shop', 'sum']);
      expect(await refused({ features: ['spend:cents'], entities: { user_id: ['a'], shop: [1], bonus: [1] } })).toMatchObject({
        message: "unknown entity key 'bonus': expected user_id, shop",
      });
    });
  });

  describe('answers', () => {
    beforeEach(async () => {
      await store.push({
        pushSourceName: 'visits_push',
        rows: [
          { user_id: 'a', ts: iso(-30 * 60_000), n: 3 },
          { user_id: 'b', ts: iso(-90 * 60_000), n: 4 },
        ],
      });
      await store.push({
        pushSourceName: 'spend_push',
        rows: [
          { user_id: 'a', shop: 1, ts: iso(-10 * 60_000), cents: 100 },
          { user_id: 'b', shop: 1, ts: iso(-100 * 60_000), cents: 7 },
        ],
      });
    });

    it('lists join keys first, in the order the views declare them, then features in request order', async () => {
      const out = await store.getOnlineFeatures({ features: ['spend:cents', 'visits:n'], entities: { shop: [1, 1, 2], user_id: ['a', 'b', 'a'] } });
      expect(out.metadata).toEqual({ feature_names: ['user_id', 'shop', 'cents', 'n'] });
      expect(out.results.map((r) => r.values)).toEqual([
        ['a', 'b', 'a'],
        [1, 1, 2],
        [100, 7, null],
        [3, null, 3],
      ]);
      expect(out.results[0].statuses).toEqual(['PRESENT', 'PRESENT', 'PRESENT']);
      expect(out.results[0].event_timestamps).toEqual(Array(3).fill('1970-01-01T00:00:00.000Z'));
      expect(out.results[2].statuses).toEqual(['PRESENT', 'PRESENT', 'NOT_FOUND']);
      // b's visit is 90 min old, past the 1 h ttl; its spend is 100 min old, inside 2 h.
      expect(out.results[3].statuses).toEqual(['PRESENT', 'OUTSIDE_MAX_AGE', 'PRESENT']);
      expect(out.results[3].event_timestamps).toEqual([iso(-30 * 60_000), iso(-90 * 60_000), iso(-30 * 60_000)]);
    });

    it('prefixes each feature with its view under full feature names', async () => {
      const out = await store.getOnlineFeatures({ features: ['visits:n', 'spend:cents'], fullFeatureNames: true, entities: { user_id: ['a'], shop: [1] } });
      expect(out.metadata.feature_names).toEqual(['user_id', 'shop', 'visits__n', 'spend__cents']);
    });

    it('warns about each deprecated view version read, and only then', async () => {
      const fresh = await store.getOnlineFeatures({ features: ['visits:n'], entities: { user_id: ['a'] } });
      expect(fresh.metadata).not.toHaveProperty('warnings');
      await store.deprecate('spend@v1');
      const out = await store.getOnlineFeatures({ features: ['spend:cents', 'visits:n'], entities: { user_id: ['a'], shop: [1] } });
      expect(out.metadata.warnings).toEqual(['spend@v1 is deprecated: move consumers to a newer version']);
    });

    it('stamps an on-demand feature with its newest input, feeds it null for an expired input, and NULL_VALUE for a null output', async () => {
      const out = await store.getOnlineFeatures({
        features: ['total:sum'],
        entities: { user_id: ['a', 'b', 'c'], shop: [1, 1, 1], bonus: [1000, 1000, 1000] },
      });
      const sum = out.results[2];
      // a: 3 + 100 + 1000, newest input is the spend (10 min ago).
      // b: the visit is past its ttl and reads null; spend 7 counts: 7 + 1000; the stamp is the newest stored input (the visit, 90 min ago).
      // c: nothing stored: the transform returns null, stamped with the epoch.
      expect(sum.values).toEqual([1103, 1007, null]);
      expect(sum.statuses).toEqual(['PRESENT', 'PRESENT', 'NULL_VALUE']);
      expect(sum.event_timestamps).toEqual([iso(-10 * 60_000), iso(-90 * 60_000), '1970-01-01T00:00:00.000Z']);
    });

    it('stamps an on-demand feature with the one input found when another is missing', async () => {
      await store.push({ pushSourceName: 'visits_push', rows: [{ user_id: 'd', ts: iso(-5 * 60_000), n: 1 }] });
      const out = await store.getOnlineFeatures({ features: ['total:sum'], entities: { user_id: ['d'], shop: [9], bonus: [0] } });
      expect(out.results[2]).toEqual({ values: [1], statuses: ['PRESENT'], event_timestamps: [iso(-5 * 60_000)] });
    });

    it('feeds an on-demand view the inputs of a ttl-0 view however old they are', async () => {
      const years = new FeatureView({ name: 'years', entities: [user], ttl: 0, schema: [new Field({ name: 'y', dtype: Int64 })], source: push('years_push') });
      const age = new OnDemandFeatureView({
        name: 'age',
        sources: [years.select('y')],
        schema: [new Field({ name: 'next', dtype: Int64 })],
        transform: (c) => ({ next: c.y.map((y) => (y === null ? null : (y as number) + 1)) }),
      });
      await store.apply([user, shop, visits, spend, total, years, age]);
      await store.push({ pushSourceName: 'years_push', rows: [{ user_id: 'a', ts: iso(-1), y: 2019 }] });
      clock.now = new Date(T0.getTime() + 10 * 365 * 24 * 3_600_000);
      const out = await store.getOnlineFeatures({ features: ['age:next'], entities: { user_id: ['a'] } });
      expect(out.results[1].values).toEqual([2020]);
    });

    it('reads an expired input as null at exactly one millisecond past the ttl, not before', async () => {
      clock.now = new Date(T0.getTime() + 30 * 60_000); // a's visit is now exactly 1 h old
      const at = await store.getOnlineFeatures({ features: ['total:sum'], entities: { user_id: ['a'], shop: [1], bonus: [0] } });
      expect(at.results[2].values).toEqual([103]);
      clock.now = new Date(T0.getTime() + 30 * 60_000 + 1);
      const past = await store.getOnlineFeatures({ features: ['total:sum'], entities: { user_id: ['a'], shop: [1], bonus: [0] } });
      expect(past.results[2].values).toEqual([100]);
    });
  });
});
