import { join } from 'node:path';
import { startServer } from '../../functions/dev-server/dev-server.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { openTestStore, testDefinitions } from './repo.js';
import { tempDir } from './tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from './write-parquet.js';

export interface ServedRepo {
  store: FeatureStore;
  /** `http://127.0.0.1:<port>` of the running `serve`. */
  base: string;
  /** Stops the server, closes the store, removes the repo. */
  close: () => Promise<void>;
}

/**
 * The test repo (helpers/repo.ts) with one activity row (user `a`, 4 sessions on 2024-03-09),
 * applied and materialized at 2024-03-10, served by `serve` on a free port.
 */
export async function servedTestRepo(options: { maxBodyBytes: number }): Promise<ServedRepo> {
  const tmp = tempDir();
  const clock = { now: new Date('2024-03-10T00:00:00Z') };
  await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, [
    { user_id: 'a', event_date: new Date('2024-03-09T00:00:00Z'), created_at: new Date('2024-03-09T00:00:00Z'), sessions: 4, model: 'm' },
  ]);
  const store = openTestStore(tmp.dir, clock);
  await store.apply(testDefinitions().all);
  await store.materialize({ start: new Date('2024-03-01T00:00:00Z'), end: clock.now });
  const srv = await startServer({ getStore: async () => store, port: 0, maxBodyBytes: options.maxBodyBytes });
  return {
    store,
    base: `http://127.0.0.1:${srv.port}`,
    close: async () => {
      await srv.close();
      await store.close();
      tmp.cleanup();
    },
  };
}
