import type { MemberLayout } from '../online/values-json.js';
import { BufferPool } from '../util/buffer-pool.js';
import { cell, type FeatureStatus, type Lookup, type ViewRows } from './online-response.js';

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

const STATUS_CODES: FeatureStatus[] = ['PRESENT', 'NOT_FOUND', 'OUTSIDE_MAX_AGE', 'NULL_VALUE'];
const STATUS_BYTES = STATUS_CODES.map((s) => Buffer.from(`"${s}"`));
const [PRESENT, , , NULL_VALUE] = [0, 1, 2, 3];
const NULL = Buffer.from('null');
const VALUES_OPEN = Buffer.from('{"values":[');
const STATUSES_OPEN = Buffer.from('],"statuses":[');
const TIMESTAMPS_OPEN = Buffer.from('],"event_timestamps":');
const CLOSE = Buffer.from(']}');

const PRESENT_RUNS = new Map<number, Buffer>();

/** `"PRESENT","PRESENT",…` n times (a few lengths recur: the lookup sizes clients use). */
function allPresent(n: number): Buffer {
  let b = PRESENT_RUNS.get(n);
  if (b === undefined) {
    b = Buffer.from(n ? `${'"PRESENT",'.repeat(n - 1)}"PRESENT"` : '');
    if (PRESENT_RUNS.size < 64) PRESENT_RUNS.set(n, b);
  }
  return b;
}

/**
 * A growing byte buffer. Short copies are byte loops (a native copy costs more to call than to run
 * for the ~20 bytes of a number); long ones use `set`.
 */
class ByteWriter {
  buf: Buffer;
  at = 0;

  constructor(size: number) {
    this.buf = responseBuffers.acquire(size);
  }

  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = responseBuffers.acquire(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    responseBuffers.release(this.buf);
    this.buf = next;
  }

  bytes(src: Uint8Array, from = 0, to = src.length): void {
    const n = to - from;
    this.ensure(n);
    const buf = this.buf;
    const at = this.at;
    if (n > 64) buf.set(src.subarray(from, to), at);
    else for (let k = 0; k < n; k++) buf[at + k] = src[from + k];
    this.at = at + n;
  }

  byte(c: number): void {
    this.ensure(1);
    this.buf[this.at++] = c;
  }

  text(s: string): void {
    this.ensure(s.length * 3);
    this.at += this.buf.write(s, this.at);
  }

  result(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

const COMMA = 44;

/**
 * One view column: row j's value and status; values stored as JSON bytes are copied, not
 * re-formatted.
 */
function writeViewColumn(w: ByteWriter, rows: ViewRows, feature: string, timestamps: Buffer, statuses: Uint8Array): void {
  const n = rows.records.length;
  // Records sharing a layout (usually all of a view's) have the feature at the same member.
  let layout: MemberLayout | undefined;
  let m = -1;
  let allPresentSoFar = true;
  w.bytes(VALUES_OPEN);
  for (let j = 0; j < n; j++) {
    if (j) w.byte(COMMA);
    const rec = rows.records[j];
    const members = rec && !rows.expired[j] ? rec.scalarMembers() : null;
    let status: number;
    if (members) {
      if (members.layout !== layout) {
        layout = members.layout;
        m = layout.index.get(feature) ?? -1;
      }
      if (m < 0) {
        w.bytes(NULL);
        status = NULL_VALUE;
      } else {
        const bytes = rec!.utf8!;
        const from = members.spans[3 * m + 1];
        w.bytes(bytes, from, members.spans[3 * m + 2]);
        // `null` is the only scalar text starting with 'n'.
        status = bytes[from] === 110 ? NULL_VALUE : PRESENT;
      }
    } else {
      const x = cell(rows, feature, j);
      w.text(elementJson(x.value));
      status = STATUS_CODES.indexOf(x.status);
    }
    statuses[j] = status;
    if (status !== PRESENT) allPresentSoFar = false;
  }
  w.bytes(STATUSES_OPEN);
  if (allPresentSoFar) w.bytes(allPresent(n));
  else
    for (let j = 0; j < n; j++) {
      if (j) w.byte(COMMA);
      w.bytes(STATUS_BYTES[statuses[j]]);
    }
  w.bytes(TIMESTAMPS_OPEN);
  w.bytes(timestamps);
  w.byte(125);
}

/**
 * Where response bytes come from: `releaseResponse` gives them back once sent (see buffer-pool.ts);
 * bytes never released are collected as usual.
 */
const responseBuffers = new BufferPool();
export const releaseResponse = (bytes: Uint8Array): void => responseBuffers.release(bytes);

// The last response's size: the next one starts a little above it instead of growing (and copying) to it.
let lastSize = 16 * 1024;

/**
 * The response as UTF-8 JSON bytes, byte for byte `JSON.stringify(toResponse(lookup))`, written for
 * its known shape: statuses are constants, a view's timestamps are formatted once for all its
 * features, and stored values are copied as bytes (see `values-json.ts`) — no string per value, so
 * a large response leaves little garbage behind. The bytes are a view on a pooled buffer: a
 * server hands it back with `releaseResponse` once written.
 */
export function toResponseJson(lookup: Lookup): Buffer {
  const w = new ByteWriter(lastSize + (lastSize >> 2) + 1024);
  const timestamps = new Map<ViewRows, Buffer>();
  const warnings = lookup.warnings.length ? `,"warnings":${JSON.stringify(lookup.warnings)}` : '';
  w.text(`{"metadata":{"feature_names":${JSON.stringify(lookup.featureNames)}${warnings}},"results":[`);
  let statuses = new Uint8Array(0);
  lookup.columns.forEach((c, i) => {
    if (i) w.byte(COMMA);
    if (c.kind === 'given') {
      const st = c.statuses.map((s) => JSON.stringify(s)).join(',');
      w.text(`{"values":[${c.values.map(elementJson).join(',')}],"statuses":[${st}],"event_timestamps":${JSON.stringify(c.timestamps)}}`);
      return;
    }
    let ts = timestamps.get(c.rows);
    if (ts === undefined) timestamps.set(c.rows, (ts = Buffer.from(JSON.stringify(c.rows.timestamps))));
    if (statuses.length < c.rows.records.length) statuses = new Uint8Array(c.rows.records.length);
    writeViewColumn(w, c.rows, c.feature, ts, statuses);
  });
  w.bytes(CLOSE);
  lastSize = w.at;
  return w.result();
}
