/** Small-file compaction of offline pushes (issue 11 item 15: one Parquet object per push request). */
export interface CompactionOptions {
  /** Files below this size are compacted. @default 8 MiB */
  smallBytes?: number;
  /** A partition is compacted once it holds at least this many small files. @default 8 */
  minFiles?: number;
}

export interface CompactionResult {
  /** Partitions (S3: dt=…/ prefixes; local: the push directory) that were rewritten. */
  partitions: number;
  filesBefore: number;
  filesAfter: number;
  rows: number;
}

export const COMPACTION_DEFAULTS = { smallBytes: 8 * 2 ** 20, minFiles: 8 } as const;

/**
 * Parts written by pushes (`part-<ms>-<uuid>.parquet`) and by earlier compactions: the only files
 * whose schema the store knows, so the only ones it rewrites. Other jobs' files are left alone.
 */
export const COMPACTABLE = /\/part-(\d+|compacted-\d+)-[0-9a-f-]{36}\.parquet$/;

/**
 * Why compaction is safe for readers: the merged file is written (made visible) before the small
 * files are deleted, so a reader sees every row at all times, at worst twice for a moment. Twice is
 * harmless: PIT joins and materialization pick one row per (key, event, created), and identical
 * rows are merged by the next compaction. A materialization run that planned a deleted file
 * re-plans its window (SourceFileMissingError).
 */
export function mergeKey(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v instanceof Date ? v.toISOString() : v));
}
