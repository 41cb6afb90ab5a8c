/** Where provider local keeps its state, under the repo's data dir (docs/architecture.md#storage-layouts). */
export const LOCAL_LAYOUT = {
  /** The data dir, relative to the repo (skewless.json `dataDir`). */
  dataDir: '.skewless',
  /** The registry document (written atomically under a lock). */
  registryFile: 'registry.json',
  /** The online store (SQLite, WAL). */
  onlineFile: 'online.sqlite',
  /** Monitoring history (freshness checks, skew audits), one JSON document per line. */
  freshnessHistoryFile: 'history/freshness.jsonl',
  auditHistoryFile: 'history/audits.jsonl',
} as const;
