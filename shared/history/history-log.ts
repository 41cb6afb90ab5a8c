/**
 * An append-only log of monitoring records (freshness checks, skew audits) so the UI has a history
 * to chart. Records are small JSON documents; readers ask for the newest ones.
 */
export interface HistoryLog<T> {
  append(record: T): Promise<void>;
  /** The newest `limit` records, oldest first. */
  list(limit: number): Promise<T[]>;
}
