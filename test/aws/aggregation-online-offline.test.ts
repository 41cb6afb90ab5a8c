import { afterAll, describe, expect, it } from 'vitest';
import { checkOnlineEqualsOffline, propertyDefinitions } from '../helpers/aggregation-property.js';
import { freshAwsStore, useAthenaDouble } from '../helpers/athena.js';
import { tempDir } from '../helpers/tmp.js';

/** Issue 14 item 4 on provider aws: online (DynamoDB tiles on moto) = offline (Athena SQL run by the double). */
describe('aggregation views: online value at t = offline value for an entity row at t (provider aws)', () => {
  const tmp = tempDir();
  useAthenaDouble();
  afterAll(() => tmp.cleanup());

  it('seed 7: random stream, random order, duplicates, late events', async () => {
    const clock = { now: new Date(Date.UTC(2026, 0, 1)) };
    const store = await freshAwsStore(tmp.dir, 'aggprop', clock);
    try {
      await store.apply(propertyDefinitions().all);
      expect(await checkOnlineEqualsOffline(store, clock, 7, { events: 120, phases: 2, lookups: 3 })).toBe(2 * 3 * 5 * 10);
    } finally {
      await store.close();
    }
  }, 300_000);
});
