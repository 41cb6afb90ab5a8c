import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { SqliteTileStore } from '../../shared/online/tiles/sqlite-tile-store.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
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
      const db = join(tmp.dir, '.skewless/online.sqlite');
      const store = new FeatureStore(
        parseConfig({ project: 'prop', registryCacheSeconds: 0 }, tmp.dir, {}),
        {
          registryStore: new LocalRegistryStore(join(tmp.dir, '.skewless/registry.json')),
          online: new SqliteOnlineStore(db),
          tiles: new SqliteTileStore(db),
          offline: new LocalOfflineStore({ repoDir: tmp.dir }),
        },
        { now: () => clock.now },
      );
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
