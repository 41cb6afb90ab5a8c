import type { EncodedRecord, OnlineRecord } from '../online/types.js';
import { memberIndex, memberPrefix, splitScalarMembers } from '../online/values-json.js';

export type FeatureStatus = 'PRESENT' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE' | 'NULL_VALUE';

/** Feast's column-oriented response: results[i] is column i, values[j] is entity row j; join keys first. */
export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[]; warnings?: string[] };
  results: { values: unknown[]; statuses: FeatureStatus[]; event_timestamps: string[] }[];
}

/** A stored record as the lookup sees it: values parsed on first use when the store gave their JSON text. */
export class FoundRecord {
  private parsed?: Record<string, unknown>;
  private members?: string[] | null;
  readonly eventTs: number;
  readonly json?: string;

  constructor(record: OnlineRecord | EncodedRecord) {
    this.eventTs = record.eventTs;
    if ('valuesJson' in record) this.json = record.valuesJson;
    else this.parsed = record.values;
  }

  get values(): Record<string, unknown> {
    this.parsed ??= JSON.parse(this.json!) as Record<string, unknown>;
    return this.parsed;
  }

  /** The stored text split into `"name":text` members, or null when it is not a flat object of scalars. */
  scalarMembers(): string[] | null {
    if (this.members === undefined) this.members = this.json === undefined ? null : (splitScalarMembers(this.json) ?? null);
    return this.members;
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
function cell(rows: ViewRows, feature: string, j: number): { value: unknown; status: FeatureStatus } {
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
    metadata: { feature_names: lookup.featureNames, ...(lookup.warnings.length ? { warnings: lookup.warnings } : {}) },
    results,
  };
}

const STATUS_JSON: Record<FeatureStatus, string> = {
  PRESENT: '"PRESENT"',
  NOT_FOUND: '"NOT_FOUND"',
  OUTSIDE_MAX_AGE: '"OUTSIDE_MAX_AGE"',
  NULL_VALUE: '"NULL_VALUE"',
};

const PRESENT_RUNS = new Map<number, string>();

/** `"PRESENT","PRESENT",…` n times (a few lengths recur: the lookup sizes clients use). */
function allPresent(n: number): string {
  let s = PRESENT_RUNS.get(n);
  if (s === undefined) {
    s = n ? `${'"PRESENT",'.repeat(n - 1)}"PRESENT"` : '';
    if (PRESENT_RUNS.size < 64) PRESENT_RUNS.set(n, s);
  }
  return s;
}

/** `JSON.stringify` of one array element (undefined, functions and non-finite numbers become null there). */
export function elementJson(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'undefined':
    case 'function':
    case 'symbol':
      return 'null';
    default:
      // Objects, arrays, Dates (toJSON); a bigint throws as it does in JSON.stringify of the whole response.
      return JSON.stringify(v) ?? 'null';
  }
}

/**
 * One view column as JSON: row j's value and status; values stored as JSON text are copied, not
 * re-formatted. Built with `+=` (a rope V8 flattens once, when the chunk is written).
 */
function viewColumnJson(rows: ViewRows, feature: string, timestampsJson: string): string {
  const n = rows.records.length;
  const prefix = memberPrefix(feature);
  let values = '';
  // Statuses are written out only once one is not PRESENT (rows before it are all PRESENT).
  let statuses = '';
  let present = 0;
  let hint = 0;
  for (let j = 0; j < n; j++) {
    const sep = j ? ',' : '';
    const rec = rows.records[j];
    const members = rec && !rows.expired[j] ? rec.scalarMembers() : null;
    let status: FeatureStatus;
    if (members) {
      const at = memberIndex(members, prefix, hint);
      const text = at < 0 ? 'null' : members[at].slice(prefix.length);
      if (at >= 0) hint = at;
      values += sep + text;
      status = text === 'null' ? 'NULL_VALUE' : 'PRESENT';
    } else {
      const x = cell(rows, feature, j);
      values += sep + elementJson(x.value);
      status = x.status;
    }
    if (status === 'PRESENT' && present === j) present++;
    else {
      if (present === j) statuses = allPresent(j);
      statuses += (j ? ',' : '') + STATUS_JSON[status];
    }
  }
  if (present === n) statuses = allPresent(n);
  return `{"values":[${values}],"statuses":[${statuses}],"event_timestamps":${timestampsJson}}`;
}

/**
 * The response as JSON text in chunks (one per column) whose concatenation is byte for byte
 * `JSON.stringify(toResponse(lookup))`, written for its known shape: statuses are constants, a
 * view's timestamps are formatted once for all its features, and stored values are copied as text
 * (see `values-json.ts`). Chunks, because one large string costs more to build and to encode than
 * the whole lookup: a server writes them straight into its response buffer.
 */
export function toResponseJson(lookup: Lookup): string[] {
  const timestampsJson = new Map<ViewRows, string>();
  const warnings = lookup.warnings.length ? `,"warnings":${JSON.stringify(lookup.warnings)}` : '';
  const chunks: string[] = [`{"metadata":{"feature_names":${JSON.stringify(lookup.featureNames)}${warnings}},"results":[`];
  lookup.columns.forEach((c, i) => {
    const sep = i ? ',' : '';
    if (c.kind === 'given') {
      const statuses = c.statuses.map((s) => STATUS_JSON[s] ?? JSON.stringify(s)).join(',');
      chunks.push(`${sep}{"values":[${c.values.map(elementJson).join(',')}],"statuses":[${statuses}],"event_timestamps":${JSON.stringify(c.timestamps)}}`);
      return;
    }
    let ts = timestampsJson.get(c.rows);
    if (ts === undefined) timestampsJson.set(c.rows, (ts = JSON.stringify(c.rows.timestamps)));
    chunks.push(sep + viewColumnJson(c.rows, c.feature, ts));
  });
  chunks.push(']}');
  return chunks;
}
