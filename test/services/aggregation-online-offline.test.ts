import { createStores } from '../../shared/providers/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { checkOnlineEqualsOffline, propertyDefinitions } from '../helpers/aggregation-property.js';
import { tempDir } from '../helpers/tmp.js';

/** Issue 14 item 4 on provider local: online (SQLite tiles) = offline (DuckDB aggregation join). */
describe('aggregation views: online value at t = offline value for an entity row at t (provider local)', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it.each([1, 2, 3])(
    'seed %i: random stream, random order, duplicates, late events',
    async (seed) => {
      const tmp = tempDir();
      cleanup = tmp.cleanup;
      const clock = { now: new Date(Date.UTC(2026, 0, 1)) };
      // The local provider's own stores (shared/providers/local.ts), not a hand-made copy of them.
      const config = parseConfig({ project: 'prop', registryCacheSeconds: 0 }, tmp.dir, {});
      const store = new FeatureStore(config, await createStores(config), { now: () => clock.now });
      try {
        await store.apply(propertyDefinitions().all);
        const compared = await checkOnlineEqualsOffline(store, clock, seed, { events: 400, phases: 4, lookups: 6 });
        expect(compared).toBe(4 * 6 * 5 * 10);
      } finally {
        await store.close();
      }
    },
    120_000,
  );
});
