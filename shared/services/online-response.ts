import type { EncodedRecord, OnlineRecord } from '../online/types.js';
import { type ScalarMembers, scalarMembers } from '../online/values-json.js';

export type FeatureStatus = 'PRESENT' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE' | 'NULL_VALUE';

/** Feast's column-oriented response: results[i] is column i, values[j] is entity row j; join keys first. */
export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[]; warnings?: string[] };
  results: { values: unknown[]; statuses: FeatureStatus[]; event_timestamps: string[] }[];
}

/** A stored record as the lookup sees it: values parsed on first use when the store gave their JSON bytes. */
export class FoundRecord {
  private parsed?: Record<string, unknown>;
  private readonly encoded?: EncodedRecord;
  readonly eventTs: number;

  constructor(record: OnlineRecord | EncodedRecord) {
    this.eventTs = record.eventTs;
    if ('valuesUtf8' in record) this.encoded = record;
    else this.parsed = record.values;
  }

  /** The stored JSON bytes, when the store gave them. */
  get utf8(): Buffer | undefined {
    return this.encoded?.valuesUtf8;
  }

  get values(): Record<string, unknown> {
    this.parsed ??= JSON.parse(this.encoded!.valuesUtf8.toString()) as Record<string, unknown>;
    return this.parsed;
  }

  /** The stored bytes' members, or null when they are not a flat object of scalars. */
  scalarMembers(): ScalarMembers | null {
    const e = this.encoded;
    if (!e) return null;
    if (e.members === undefined) e.members = scalarMembers(e.valuesUtf8) ?? null;
    return e.members;
  }
}

/** The rows of one feature view: its record per entity row, whether each is past the view's TTL, each row's event time. */
export interface ViewRows {
  records: (FoundRecord | undefined)[];
  expired: boolean[];
  /** RFC 3339 event time per row (the epoch where nothing is stored). */
  timestamps: string[];
}

/** A response column before it becomes objects or JSON: given values (join keys, on-demand), or one feature of a view's rows. */
export type LookupColumn =
  | { kind: 'given'; values: unknown[]; statuses: FeatureStatus[]; timestamps: string[] }
  | { kind: 'view'; feature: string; rows: ViewRows };

export interface Lookup {
  featureNames: string[];
  warnings: string[];
  columns: LookupColumn[];
}

/** The value and status of row j of a view column (docs/semantics.md#online-reads). */
export function cell(rows: ViewRows, feature: string, j: number): { value: unknown; status: FeatureStatus } {
  const rec = rows.records[j];
  if (!rec) return { value: null, status: 'NOT_FOUND' };
  if (rows.expired[j]) return { value: null, status: 'OUTSIDE_MAX_AGE' };
  const v = rec.values[feature];
  return v === null || v === undefined ? { value: null, status: 'NULL_VALUE' } : { value: v, status: 'PRESENT' };
}

/** The response as objects (the library's `getOnlineFeatures`). */
export function toResponse(lookup: Lookup): OnlineFeaturesResponse {
  const results = lookup.columns.map((c) => {
    if (c.kind === 'given') return { values: c.values, statuses: c.statuses, event_timestamps: c.timestamps };
    const n = c.rows.records.length;
    const values = new Array<unknown>(n);
    const statuses = new Array<FeatureStatus>(n);
    for (let j = 0; j < n; j++) {
      const x = cell(c.rows, c.feature, j);
      values[j] = x.value;
      statuses[j] = x.status;
    }
    return { values, statuses, event_timestamps: c.rows.timestamps.slice() };
  });
  return {
    // Copies: a lookup's names and warnings are shared by every lookup of the same request (online-read.ts).
    metadata: { feature_names: [...lookup.featureNames], ...(lookup.warnings.length ? { warnings: [...lookup.warnings] } : {}) },
    results,
  };
}
