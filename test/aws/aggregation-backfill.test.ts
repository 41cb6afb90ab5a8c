import { afterAll, describe, expect, it } from 'vitest';
import { propertyDefinitions } from '../helpers/aggregation-property.js';
import { freshAwsStore, useAthenaDouble } from '../helpers/athena.js';
import { checkBackfillEqualsOracle } from '../helpers/backfill-property.js';
import { tempDir } from '../helpers/tmp.js';

/** Backfill of tiles from historical events with nulls in event columns (provider aws: Athena double UNLOAD → DynamoDB tiles on moto). */
describe('aggregation views: a backfill folds every historical event into tiles (provider aws)', () => {
  const tmp = tempDir();
  const double = useAthenaDouble();
  afterAll(() => tmp.cleanup());

  it('seed 11: events with nulls in event columns, duplicates and ties equal the oracle online and offline', async () => {
    const clock = { now: new Date(Date.UTC(2026, 0, 1)) };
    const store = await freshAwsStore(tmp.dir, 'aggfill', clock);
    try {
      await store.apply(propertyDefinitions().all);
      expect(await checkBackfillEqualsOracle(store, clock, 11, { events: 150, lookups: 4 })).toBe(4 * 4 * 10);
      // The distinct events were read through Athena, in SQL its grammar accepts (the double parses every statement first).
      expect(double.athena.queries.some((q) => /^UNLOAD \(SELECT \* FROM \(SELECT DISTINCT /.test(q))).toBe(true);
    } finally {
      await store.close();
    }
  }, 300_000);
});
