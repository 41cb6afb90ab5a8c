import type { ScalarMembers } from './values-json.js';
/** One value to store for (entity key, view version). Timestamps are epoch milliseconds. */
export interface OnlineWrite {
  entityKey: string;
  values: Record<string, unknown>;
  eventTs: number;
  createdTs: number;
}

export interface WriteOptions {
  /** The view's TTL in seconds (0 = none). */
  ttlSeconds?: number;
  /**
   * Advance the view's watermark with this batch (default true: a push batch is complete when it is
   * written). Materialization passes false and calls `recordWatermark` once its whole window is
   * durably written, so a crash between batches never lets the watermark claim missing rows.
   */
  advanceWatermark?: boolean;
}

export interface OnlineRecord {
  values: Record<string, unknown>;
  eventTs: number;
  createdTs: number;
}

/** How a read may be narrowed (docs/performance.md#online-lookup-on-dynamodb). */
export interface ReadOptions {
  /**
   * Per view version (`view@vN`), the features the caller will use. Stores that can project (DynamoDB:
   * ProjectionExpression) read only these; views absent from the map are read whole. Records then
   * hold only the listed features (a listed feature not stored is absent, as before).
   */
  features?: ReadonlyMap<string, readonly string[]>;
}

/**
 * A record as a store that keeps values as JSON text (SQLite) holds it: `valuesUtf8` is the UTF-8
 * bytes of `JSON.stringify(values)` (bigint as decimal text, bytes as base64, dates as RFC 3339),
 * unparsed, so a JSON response copies the values' bytes instead of parsing and re-serializing every
 * number.
 */
export interface EncodedRecord {
  valuesUtf8: Buffer;
  /** Its members (values-json.ts), memoized with the record: a cached record is scanned once. */
  members?: ScalarMembers | null;
  eventTs: number;
  createdTs: number;
}

export interface ItemKey {
  entityKey: string;
  /** `view@vN` */
  view: string;
}

export interface WriteResult {
  /** Rows applied (newer than or equal to what was stored). */
  written: number;
  /** Rows dropped because the store already held a newer event (docs/semantics.md#online-writes-newer-wins). */
  skipped: number;
}

/** Freshness state of one view version, written in the same operation as its data. */
export interface Watermark {
  view: string;
  /** Newest event timestamp written (epoch ms). */
  eventTs: number;
  /** When the last successful write happened (epoch ms). */
  writtenAt: number;
}
