/**
 * Imported by the Lambdas whose every invocation queries the offline store (historical-prepare,
 * historical-finalize, materialize): the Athena offline store and the Glue and Athena SDK clients load
 * in the init phase with the rest of the bundle, not in the first invocation. Provider aws loads
 * them on first use (LazyOfflineStore), which in a bundle then finds them already loaded; the lookup,
 * push and freshness Lambdas do not import this and never load them unless they query
 * (docs/performance.md#lambda-cold-start).
 */
import '../../shared/offline/athena/athena-offline-store.js';
import '../../shared/aws/query-clients.js';
