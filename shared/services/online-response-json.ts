import type { MemberLayout, ScalarMembers } from '../online/values-json.js';
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
const [PRESENT, NOT_FOUND, OUTSIDE_MAX_AGE, NULL_VALUE] = [0, 1, 2, 3];
const NULL = Buffer.from('null');
const VALUES_OPEN = Buffer.from('{"values":[');
const STATUSES_OPEN = Buffer.from('],"statuses":[');
const TIMESTAMPS_OPEN = Buffer.from('],"event_timestamps":');
const CLOSE = Buffer.from(']}');

const PRESENT_RUNS = new Map<number, Buffer>();

/** `"PRESENT","PRESENT",…` n times (a few lengths recur: the lookup sizes clients use). */
function allPresentRun(n: number): Buffer {
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
  private view?: DataView;

  constructor(size: number) {
    this.buf = responseBuffers.acquire(size);
  }

  ensure(n: number): void {
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

  /** The buffer as a DataView (valid until the buffer grows). */
  words(): DataView {
    if (this.view?.buffer !== this.buf.buffer) this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.view;
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
 * A view's rows as the column writer reads them, prepared once per response (not once per
 * feature): each row's stored bytes and member spans, and the layout they share when every found
 * row is a flat object of scalars with its members in the same order (the usual case: one view's
 * records are written by one encoder).
 */
interface PreparedRows {
  timestamps: Buffer;
  /** Per row: the stored JSON bytes, or null when nothing is served (missing, or past max age). */
  src: (Buffer | null)[];
  /** Per row with bytes: their member spans and words. */
  members: (ScalarMembers | null)[];
  /** Per row without bytes: its status (NOT_FOUND or OUTSIDE_MAX_AGE). */
  absent: Uint8Array;
  /** The layout every row with bytes shares; undefined when they differ or one is not flat scalars. */
  shared: MemberLayout | undefined;
  /** The longest member value of any row, in bytes: a column needs at most n × (this + 1) bytes. */
  longest: number;
}

function prepareRows(rows: ViewRows, timestamps: Buffer): PreparedRows {
  const n = rows.records.length;
  const src = new Array<Buffer | null>(n);
  const found = new Array<ScalarMembers | null>(n);
  const absent = new Uint8Array(n);
  let shared: MemberLayout | undefined;
  let uniform = true;
  let longest = 4;
  for (let j = 0; j < n; j++) {
    const rec = rows.records[j];
    if (!rec || rows.expired[j]) {
      src[j] = null;
      found[j] = null;
      absent[j] = rec ? OUTSIDE_MAX_AGE : NOT_FOUND;
      continue;
    }
    const members = rec.scalarMembers();
    if (!members) {
      uniform = false;
      break;
    }
    if (shared === undefined) shared = members.layout;
    else if (members.layout !== shared) uniform = false;
    const sp = members.spans;
    for (let k = 1; k < sp.length; k += 3) if (sp[k + 1] - sp[k] > longest) longest = sp[k + 1] - sp[k];
    src[j] = rec.utf8!;
    found[j] = members;
  }
  return { timestamps, src, members: found, absent, shared: uniform ? shared : undefined, longest };
}

/**
 * One view column: row j's value and status. Stored values are copied as bytes, not re-formatted;
 * rows that share a layout are copied in one tight loop, anything else goes value by value.
 */
function writeViewColumn(w: ByteWriter, rows: ViewRows, prepared: PreparedRows, feature: string, statuses: Uint8Array): void {
  const n = rows.records.length;
  w.bytes(VALUES_OPEN);
  const allPresent = prepared.shared ? copyColumn(w, prepared, prepared.shared.index.get(feature) ?? -1, statuses) : writeValues(w, rows, feature, statuses);
  w.bytes(STATUSES_OPEN);
  if (allPresent) w.bytes(allPresentRun(n));
  else
    for (let j = 0; j < n; j++) {
      if (j) w.byte(COMMA);
      w.bytes(STATUS_BYTES[statuses[j]]);
    }
  w.bytes(TIMESTAMPS_OPEN);
  w.bytes(prepared.timestamps);
  w.byte(125);
}

/** The values of member `m` of rows sharing one layout (m < 0: the layout lacks the feature); true when all are present. */
function copyColumn(w: ByteWriter, p: PreparedRows, m: number, statuses: Uint8Array): boolean {
  const n = p.src.length;
  w.ensure(n * (p.longest + 1));
  const buf = w.buf;
  const out = w.words();
  let at = w.at;
  let all = true;
  for (let j = 0; j < n; j++) {
    if (j) buf[at++] = COMMA;
    const b = p.src[j];
    if (b === null || m < 0) {
      // n u l l
      buf[at] = 110;
      buf[at + 1] = 117;
      buf[at + 2] = 108;
      buf[at + 3] = 108;
      at += 4;
      statuses[j] = b === null ? p.absent[j] : NULL_VALUE;
      all = false;
      continue;
    }
    const { spans, words } = p.members[j]!;
    let from = spans[3 * m + 1];
    const to = spans[3 * m + 2];
    // `null` is the only scalar text starting with 'n'.
    if (b[from] === 110) {
      statuses[j] = NULL_VALUE;
      all = false;
    } else statuses[j] = PRESENT;
    // Four bytes at a time, then the rest: numbers are ~18 bytes of text.
    for (; from + 4 <= to; from += 4, at += 4) out.setUint32(at, words.getUint32(from));
    while (from < to) buf[at++] = b[from++];
  }
  w.at = at;
  return all;
}

/** The general case, value by value: records of differing layouts, or holding strings, arrays, objects; true when all are present. */
function writeValues(w: ByteWriter, rows: ViewRows, feature: string, statuses: Uint8Array): boolean {
  const n = rows.records.length;
  let layout: MemberLayout | undefined;
  let m = -1;
  let all = true;
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
        status = bytes[from] === 110 ? NULL_VALUE : PRESENT;
      }
    } else {
      const x = cell(rows, feature, j);
      w.text(elementJson(x.value));
      status = STATUS_CODES.indexOf(x.status);
    }
    statuses[j] = status;
    if (status !== PRESENT) all = false;
  }
  return all;
}

/**
 * Where response bytes come from: `releaseResponse` gives them back once sent (see buffer-pool.ts);
 * bytes never released are collected as usual.
 */
const responseBuffers = new BufferPool();
export const releaseResponse = (bytes: Uint8Array): void => responseBuffers.release(bytes);

// A plan's names and warnings are the same arrays on every lookup of the same request (online-read.ts).
const heads = new WeakMap<readonly string[], { warnings: readonly string[]; bytes: Buffer }>();

/** The response's opening, `{"metadata":{…},"results":[`, as bytes: the same for every lookup of one request. */
function headOf(lookup: Lookup): Buffer {
  const hit = heads.get(lookup.featureNames);
  if (hit && hit.warnings === lookup.warnings) return hit.bytes;
  const warnings = lookup.warnings.length ? `,"warnings":${JSON.stringify(lookup.warnings)}` : '';
  const bytes = Buffer.from(`{"metadata":{"feature_names":${JSON.stringify(lookup.featureNames)}${warnings}},"results":[`);
  heads.set(lookup.featureNames, { warnings: lookup.warnings, bytes });
  return bytes;
}

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
  const prepared = new Map<ViewRows, PreparedRows>();
  w.bytes(headOf(lookup));
  let statuses = new Uint8Array(0);
  lookup.columns.forEach((c, i) => {
    if (i) w.byte(COMMA);
    if (c.kind === 'given') {
      const st = c.statuses.map((s) => JSON.stringify(s)).join(',');
      w.text(`{"values":[${c.values.map(elementJson).join(',')}],"statuses":[${st}],"event_timestamps":${JSON.stringify(c.timestamps)}}`);
      return;
    }
    let p = prepared.get(c.rows);
    if (p === undefined) prepared.set(c.rows, (p = prepareRows(c.rows, Buffer.from(JSON.stringify(c.rows.timestamps)))));
    if (statuses.length < c.rows.records.length) statuses = new Uint8Array(c.rows.records.length);
    writeViewColumn(w, c.rows, p, c.feature, statuses);
  });
  w.bytes(CLOSE);
  lastSize = w.at;
  return w.result();
}
