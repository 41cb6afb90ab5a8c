import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { featureRef, parseFeatureRef, parseRef, parseVersionedViewRef, parseViewRef, viewKey } from '../../shared/layout/view-ref.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';

const rand = seededRandom(12);
const FIRST = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_';
const REST = `${FIRST}0123456789`;
const randomName = () =>
  FIRST[randomInt(rand, 0, FIRST.length)] + Array.from({ length: randomInt(rand, 0, 40) }, () => REST[randomInt(rand, 0, REST.length)]).join('');
const randomVersion = () => (rand() < 0.2 ? randomInt(rand, 0, 10) : randomInt(rand, 0, 2 ** 31));
const cases = Array.from({ length: 500 }, () => ({ name: randomName(), version: randomVersion(), feature: randomName() }));

const refusal = (f: () => unknown): ValidationError => {
  try {
    f();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
};

describe('Module: shared/layout/view-ref — the one spelling of view keys and references', () => {
  describe('Function: viewKey / featureRef → parseRef', () => {
    it('round-trips random valid names and versions in every form', () => {
      for (const { name, version, feature } of cases) {
        expect(viewKey(name, version)).toBe(`${name}@v${version}`);
        expect(parseRef(viewKey(name, version))).toEqual({ name, version });
        expect(parseRef(name)).toEqual({ name });
        expect(parseRef(featureRef(name, feature))).toEqual({ name, feature });
        expect(parseRef(featureRef(name, feature, version))).toEqual({ name, version, feature });
        expect(parseVersionedViewRef(viewKey(name, version))).toEqual({ name, version, key: viewKey(name, version) });
        expect(parseFeatureRef(featureRef(name, feature, version))).toEqual({ name, version, feature });
      }
    });

    it('reads a version with leading zeros as its number, and canonicalizes the key', () => {
      expect(parseVersionedViewRef('user_activity@v007')).toEqual({ name: 'user_activity', version: 7, key: 'user_activity@v7' });
    });
  });

  describe('Function: parseRef', () => {
    it.each([
      '',
      '1view',
      'view@',
      'view@v',
      'view@1',
      'view@vx',
      'view@v-1',
      'view@v1.5',
      'vi-ew',
      'view:',
      ':feature',
      'view:fe:ature',
      'view@v1@v2',
      'view:1feature',
      ' view',
      'view ',
      'vïew',
      'view@v1:feature:x',
    ])('refuses %j', (ref) => {
      expect(parseRef(ref)).toBeUndefined();
    });

    it('refuses what is not a string', () => {
      for (const v of [undefined, null, 1, {}, ['a'], { toString: () => 'a' }]) expect(parseRef(v)).toBeUndefined();
    });
  });

  describe('Function: parseViewRef', () => {
    it('accepts view and view@vN', () => {
      expect(parseViewRef('activity')).toEqual({ name: 'activity' });
      expect(parseViewRef('activity@v2')).toEqual({ name: 'activity', version: 2 });
    });

    it.each(['activity:clicks', 'activity@v2:clicks', 'activity@', '2activity'])('refuses %j, naming the forms it expected', (ref) => {
      const err = refusal(() => parseViewRef(ref));
      expect(err.message).toBe(`invalid feature view reference '${ref}': expected 'view' or 'view@vN'`);
      expect(err.issues).toEqual([{ field: 'feature_view', message: `got '${ref}'` }]);
    });
  });

  describe('Function: parseVersionedViewRef', () => {
    it.each(['activity', 'activity:clicks', 'activity@v2:clicks', 'activity@v'])('refuses %j: a version is required', (ref) => {
      const err = refusal(() => parseVersionedViewRef(ref));
      expect(err.message).toBe(`expected VIEW@vN, got '${ref}'`);
      expect(err.issues[0]).toMatchObject({ field: 'feature_view', message: expect.stringMatching(/user_activity@v1/) });
    });
  });

  describe('Function: parseFeatureRef', () => {
    it('accepts view:feature and view@vN:feature', () => {
      expect(parseFeatureRef('activity:clicks')).toEqual({ name: 'activity', feature: 'clicks' });
      expect(parseFeatureRef('activity@v3:clicks')).toEqual({ name: 'activity', version: 3, feature: 'clicks' });
    });

    it.each(['activity', 'activity@v3', 'activity@v3:', 'activity:clicks:x', 'activity@3:clicks'])(
      'refuses %j, naming the forms it expected and the position',
      (ref) => {
        const err = refusal(() => parseFeatureRef(ref, 4));
        expect(err.message).toBe(`invalid feature reference '${ref}': expected 'view:feature' or 'view@vN:feature'`);
        expect(err.issues).toEqual([{ row: 4, field: 'features', message: `got '${ref}'` }]);
      },
    );

    it('refuses a non-string reference with its printed form', () => {
      expect(refusal(() => parseFeatureRef(42)).message).toMatch(/invalid feature reference '42'/);
    });
  });
});
