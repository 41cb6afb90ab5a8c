import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Entity, FeatureService, FeatureView, Field, FileSource, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import { ValidationError } from '../../shared/errors.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { entityKey } from '../../shared/online/entity-key.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

// The online read's edges, as a caller sees them: TTL bounds identical to the PIT join's
// (`ts − ttl ≤ event_ts`, so age == ttl is inside), TTL 0 = never expires, a feature added
// after a record was written reads NULL_VALUE, and request shapes that must be refused.
const user = new Entity({ name: 'user_id', valueType: Str });
const files = (path: string) => new FileSource({ path, timestampField: 'event_timestamp' });
const hourly = new FeatureView({
  name: 'hourly',
  entities: [user],
  ttl: { hours: 1 },
  schema: [new Field({ name: 'clicks', dtype: Int64 })],
  source: new PushSource({ name: 'hourly_push', batchSource: files('data/hourly') }),
});
const forever = new FeatureView({
  name: 'forever',
  entities: [user],
  ttl: 0,
  schema: [new Field({ name: 'signup_year', dtype: Int64 })],
  source: new PushSource({ name: 'forever_push', batchSource: files('data/forever') }),
});
const service = new FeatureService({ name: 'svc', features: [hourly] });

const T0 = new Date('2024-05-01T12:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 3_600_000;

describe('Online read edges', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;
  const clock = { now: T0 };

  beforeEach(async () => {
    tmp = tempDir();
    clock.now = T0;
    store = openTestStore(tmp.dir, clock);
    await store.apply([user, hourly, forever, service]);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  const read = (features: string[], ids: string[]) => store.getOnlineFeatures({ features, entities: { user_id: ids } });

  describe('TTL', () => {
    it('serves a value whose age equals the ttl, and expires it one millisecond later', async () => {
      await store.push({ pushSourceName: 'hourly_push', rows: [{ user_id: 'u', event_timestamp: T0.toISOString(), clicks: 3 }] });
      clock.now = at(HOUR);
      expect((await read(['hourly:clicks'], ['u'])).results[1]).toMatchObject({ values: [3], statuses: ['PRESENT'] });
      clock.now = at(HOUR + 1);
      expect((await read(['hourly:clicks'], ['u'])).results[1]).toMatchObject({ values: [null], statuses: ['OUTSIDE_MAX_AGE'] });
    });

    it('never expires a value of a view with ttl 0', async () => {
      await store.push({ pushSourceName: 'forever_push', rows: [{ user_id: 'u', event_timestamp: T0.toISOString(), signup_year: 2019 }] });
      clock.now = at(10 * 365 * 24 * HOUR);
      expect((await read(['forever:signup_year'], ['u'])).results[1]).toEqual({
        values: [2019],
        statuses: ['PRESENT'],
        event_timestamps: [T0.toISOString()],
      });
    });
  });

  it('reads NULL_VALUE, not PRESENT with nothing, for a feature the stored record does not have', async () => {
    // A record written before the view gained `score` (a compatible change) has no such key.
    const key = entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: 'u' });
    await store.context.online.write('hourly@v1', [{ entityKey: key, values: {}, eventTs: T0.getTime(), createdTs: T0.getTime() }], T0);
    const out = await read(['hourly:clicks'], ['u']);
    expect(out.results[1]).toEqual({ values: [null], statuses: ['NULL_VALUE'], event_timestamps: [T0.toISOString()] });
  });

  it('answers NOT_FOUND with the epoch timestamp for a key never written', async () => {
    expect((await read(['hourly:clicks'], ['nobody'])).results[1]).toEqual({
      values: [null],
      statuses: ['NOT_FOUND'],
      event_timestamps: ['1970-01-01T00:00:00.000Z'],
    });
  });

  describe('request validation', () => {
    it('refuses ragged entity columns, naming the short column', async () => {
      const twoKeys = new Entity({ name: 'account_id', valueType: Str });
      const joint = new FeatureView({
        name: 'joint',
        entities: [user, twoKeys],
        ttl: 0,
        schema: [new Field({ name: 'n', dtype: Int64 })],
        source: new PushSource({ name: 'joint_push', batchSource: files('data/joint') }),
      });
      await store.apply([user, twoKeys, hourly, forever, service, joint]);
      const err = await store.getOnlineFeatures({ features: ['joint:n'], entities: { user_id: ['a', 'b'], account_id: ['x'] } }).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(/account_id/);
      expect(err.message).toMatch(/1 values?/);
    });

    it('refuses an entity key that is neither a join key nor a request field (a typo is not ignored)', async () => {
      const err = await store.getOnlineFeatures({ features: ['hourly:clicks'], entities: { user_id: ['a'], usr_id: ['a'] } }).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toMatch(/unknown entity key 'usr_id'/);
      expect(err.issues).toEqual([expect.objectContaining({ field: 'entities.usr_id' })]);
    });

    it('refuses both features and feature_service, and neither', async () => {
      const both = await store.getOnlineFeatures({ features: ['hourly:clicks'], featureService: 'svc', entities: { user_id: ['a'] } }).catch((e) => e);
      expect(both).toBeInstanceOf(ValidationError);
      expect(both.message).toMatch(/either features or feature_service/);
      const neither = await store.getOnlineFeatures({ entities: { user_id: ['a'] } }).catch((e) => e);
      expect(neither).toBeInstanceOf(ValidationError);
      expect(neither.message).toMatch(/either features or feature_service/);
      const emptyList = await store.getOnlineFeatures({ features: [], entities: { user_id: ['a'] } }).catch((e) => e);
      expect(emptyList).toBeInstanceOf(ValidationError);
      // Exactly one works.
      expect((await store.getOnlineFeatures({ featureService: 'svc', entities: { user_id: ['a'] } })).metadata.feature_names).toEqual(['user_id', 'clicks']);
    });

    it('refuses a request with no entity columns and a column that is not an array', async () => {
      await expect(store.getOnlineFeatures({ features: ['hourly:clicks'], entities: {} })).rejects.toThrow(/no entities given/);
      await expect(store.getOnlineFeatures({ features: ['hourly:clicks'], entities: { user_id: 'a' as unknown as string[] } })).rejects.toThrow(
        /entities\.user_id: expected an array/,
      );
    });
  });
});
