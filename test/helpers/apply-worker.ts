// Applies one view (partial apply) to a shared registry; run as a separate process by the race test.
import { join } from 'node:path';
import { Entity, FeatureView, Field, FileSource, Int64 } from '../../shared/definitions/index.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { apply } from '../../shared/services/apply.js';

const [dir, index] = process.argv.slice(2);
const user = new Entity({ name: 'user_id' });
const view = new FeatureView({
  name: `view_${index}`,
  entities: [user],
  schema: [new Field({ name: 'x', dtype: Int64 })],
  source: new FileSource({ path: `data/v${index}`, timestampField: 'ts' }),
});
const store = new LocalRegistryStore(join(dir, 'registry.json'));
await apply(store, 'race', toRepoSpecs([view]), new Date(), { partial: true });
