import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { createStores } from '../../shared/providers/index.js';
import { propertyDefinitions } from '../helpers/aggregation-property.js';
import { checkBackfillEqualsOracle } from '../helpers/backfill-property.js';
import { tempDir } from '../helpers/tmp.js';

/** Backfill of tiles from historical events with nulls in event columns (provider local: DuckDB → SQLite tiles). */
describe('aggregation views: a backfill folds every historical event into tiles (provider local)', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it.each([1, 2, 3])(
    'seed %i: events with nulls in event columns, duplicates and ties equal the oracle online and offline',
    async (seed) => {
      const tmp = tempDir();
      cleanup = tmp.cleanup;
      const clock = { now: new Date(Date.UTC(2026, 0, 1)) };
      const config = parseConfig({ project: 'backfill', registryCacheSeconds: 0 }, tmp.dir, {});
      const store = new FeatureStore(config, await createStores(config), { now: () => clock.now });
      try {
        await store.apply(propertyDefinitions().all);
        // Small chunks: several chunks per run, each read on its own.
        expect(await checkBackfillEqualsOracle(store, clock, seed, { events: 400, lookups: 6, chunkBytes: 4096 })).toBe(6 * 4 * 10);
      } finally {
        await store.close();
      }
    },
    120_000,
  );
});
