import { join, resolve } from 'node:path';
import type { RepoConfig } from '../config/config.js';
import { LOCAL_LAYOUT } from '../layout/local-layout.js';
import { duckdbBatchEngine } from '../offline/duckdb/batch-engine.js';
import { LocalOfflineStore } from '../offline/local/local-offline-store.js';
import { SqliteOnlineStore } from '../online/sqlite-online-store.js';
import { SqliteTileStore } from '../online/tiles/sqlite-tile-store.js';
import { LocalRegistryStore } from '../registry/local-registry-store.js';
import type { StoreParts } from './types.js';

/** The embedded default: registry.json + online.sqlite under dataDir, Parquet read by DuckDB. */
export function localProvider(config: RepoConfig): StoreParts {
  const dataDir = resolve(config.repoDir, config.dataDir);
  return {
    registryStore: new LocalRegistryStore(join(dataDir, LOCAL_LAYOUT.registryFile)),
    online: new SqliteOnlineStore(join(dataDir, LOCAL_LAYOUT.onlineFile)),
    tiles: new SqliteTileStore(join(dataDir, LOCAL_LAYOUT.onlineFile)),
    offline: new LocalOfflineStore({ repoDir: config.repoDir, stateDir: dataDir }),
    batchEngine: duckdbBatchEngine,
  };
}
