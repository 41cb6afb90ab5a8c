import type { OnDemandFeatureView } from '../definitions/on-demand-feature-view.js';
import type { OfflineStore } from '../offline/offline-store.js';
import type { OnlineStore } from '../online/online-store.js';
import type { TileStore } from '../online/tiles/types.js';
import type { Registry } from '../registry/registry.js';
import type { RegistryStore } from '../registry/registry-store.js';
import type { Limits } from '../util/limits.js';

/** What every service needs. `now` is the only clock: nothing reads the wall clock implicitly. */
export interface StoreContext {
  registry(): Promise<Registry>;
  registryStore: RegistryStore;
  online: OnlineStore;
  /** Tiles of aggregation views (docs/aggregations-online.md); absent: aggregation views cannot be served online. */
  tiles?: TileStore;
  offline: OfflineStore;
  now(): Date;
  /** On-demand transformations loaded in this process, by view name (checked against the applied hash). */
  transforms: ReadonlyMap<string, OnDemandFeatureView>;
  /** Clock-skew allowance and request caps (default: DEFAULT_LIMITS). */
  limits?: Limits;
}
