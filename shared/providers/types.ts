import type { OfflineStore } from '../offline/offline-store.js';
import type { OnlineStore } from '../online/online-store.js';
import type { RegistryStore } from '../registry/registry-store.js';

/** The three stores a provider supplies. */
export interface StoreParts {
  registryStore: RegistryStore;
  online: OnlineStore;
  offline: OfflineStore;
}
