/**
 * Where provider aws keeps things in its one data bucket (docs/architecture.md#storage-layouts).
 * The stores write these keys and the CDK app grants, expires and acknowledges exactly these
 * prefixes: both read them from here, so a grant never drifts from what a store writes.
 */

/** Top-level prefixes of the data bucket, without slashes. */
export const S3_PREFIX = {
  /** Offline Parquet: `<offline>/<view>/v<N>/dt=YYYY-MM-DD/part-*.parquet`. */
  offline: 'offline',
  /** Training datasets (one prefix per request, under this one only). */
  datasets: 'datasets',
  /** Invalid stream records, one JSON object each. */
  quarantine: 'quarantine',
  /** The Athena workgroup's result location (UNLOAD manifests, query results). */
  athenaResults: 'athena-results',
  /** Entity files of training requests (entity_uri) that historical-prepare may read. */
  entities: 'entities',
  /** Monitoring history: one JSON object per freshness check or skew audit (`skewless ui` charts them). */
  monitoring: 'monitoring',
} as const;

/** The registry: one JSON object, updated by conditional PUTs. */
export const REGISTRY_KEY = 'registry/registry.json';

const trimEnd = (prefix: string) => prefix.replace(/\/+$/, '');

/** `<offline>/<view>/v<N>/`: one prefix per view version (its Glue table's location). */
export function viewPrefix(offlinePrefix: string, name: string, version: number): string {
  return `${trimEnd(offlinePrefix)}/${name}/v${version}/`;
}

/** `dt=YYYY-MM-DD/`: the day partition under a view prefix (partition projection on `dt`). */
export function dayPartition(day: string): string {
  return `dt=${day}/`;
}

/** The day of the `dt=` partition an object key lies in, if any. */
export function partitionDayOf(key: string): string | undefined {
  return /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(key)?.[1];
}

/** `<offline>/_staging/`: entity rows staged for training requests (expired by a lifecycle rule). */
export function stagingRoot(offlinePrefix: string): string {
  return `${trimEnd(offlinePrefix)}/_staging/`;
}

/** `<offline>/_staging/<id>/`: the staged entity rows of one prepared dataset. */
export function stagingPrefix(offlinePrefix: string, id: string): string {
  return `${stagingRoot(offlinePrefix)}${id}/`;
}

/** `<offline>/_staging/latest-<id>/`: one materialization chunk reduced by Athena, read back and deleted. */
export function latestStagingPrefix(offlinePrefix: string, id: string): string {
  return `${stagingRoot(offlinePrefix)}latest-${id}/`;
}

/**
 * The dataset id of a staging prefix `…/_staging/<32 hex>/` (any offline prefix of plain
 * segments), or undefined for anything else: finalize deletes everything under it.
 */
export function stagingIdOf(prefix: string): string | undefined {
  return /^(?:[A-Za-z0-9_=-][A-Za-z0-9_.=-]*\/)*_staging\/([0-9a-f]{32})\/$/.exec(prefix)?.[1];
}

/** `<offline>/_materialize/`: materialization checkpoints (run plans, chunk lists, finished chunks). */
export function checkpointRoot(offlinePrefix: string): string {
  return `${trimEnd(offlinePrefix)}/_materialize/`;
}

/** `<datasets>/`, however the prefix was written (`/datasets`, `datasets/`). */
export function datasetsRoot(datasetsPrefix: string = S3_PREFIX.datasets): string {
  return `${datasetsPrefix.replace(/^\/+|\/+$/g, '')}/`;
}

/** `s3://<bucket>/<athena-results>/`: the default Athena output location. */
export function athenaResultsLocation(bucket: string): string {
  return `s3://${bucket}/${S3_PREFIX.athenaResults}/`;
}

/** `<monitoring>/<kind>/`: one object per recorded check (`freshness`, `audits`), keys sortable by time. */
export function historyPrefix(kind: 'freshness' | 'audits'): string {
  return `${S3_PREFIX.monitoring}/${kind}/`;
}
