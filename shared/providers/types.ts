import type { BatchEngine } from '../offline/capabilities.js';
import type { OfflineStore } from '../offline/offline-store.js';
import type { OnlineStore } from '../online/online-store.js';
import type { TileStore } from '../online/tiles/types.js';
import type { RegistryStore } from '../registry/registry-store.js';
import type { FeatureViewSpec } from '../registry/types.js';

/** The three stores a provider supplies. */
export interface StoreParts {
  registryStore: RegistryStore;
  online: OnlineStore;
  /** Tiles of aggregation views, beside the online store. */
  tiles?: TileStore;
  offline: OfflineStore;
  /** Provider checks before apply writes anything (e.g. DynamoDB's item size limit); throws to refuse. */
  validateApply?: (views: FeatureViewSpec[]) => void;
  /** Provider work after a successful apply (e.g. Glue tables per view version). */
  onApply?: (views: FeatureViewSpec[]) => Promise<void>;
  /** Moves a locally computed batch part into the provider's offline layout (absent: it is already in place). */
  importPart?: (view: FeatureViewSpec, file: string, asOf: Date) => Promise<string>;
  /** Where batch transformations run (absent: `compute` is refused); their output lands through `importPart`. */
  batchEngine?: BatchEngine;
}
