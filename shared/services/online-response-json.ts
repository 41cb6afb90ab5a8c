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
const CLOSE_BRACE = Buffer.from('}');

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
    if (n > 64) buf.set(from === 0 && to === src.length ? src : src.subarray(from, to), at);
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
 * feature). When every found row is a flat object of scalars with its members in the same order
 * (the usual case: one view's records are written by one encoder), the rows' bytes are gathered
 * into one arena and each member's span is kept column by column, so a column is copied from one
 * buffer with one index: one row's values at a time from a buffer of its own cost twice as much per
 * value (bench/online-serve.ts).
 */
interface PreparedRows {
  timestamps: Buffer;
  /** The layout every row with bytes shares; undefined when they differ or one is not flat scalars. */
  shared: MemberLayout | undefined;
  /** With a shared layout: the arena holding the rows' bytes one after another, and it as a DataView. */
  arena: Buffer;
  words: DataView;
  /** With a shared layout: member m of row j spans arena bytes [starts[m·n + j], ends[m·n + j]); -1 when row j serves nothing. */
  starts: Int32Array;
  ends: Int32Array;
  /** Per row serving nothing: its status (NOT_FOUND or OUTSIDE_MAX_AGE). */
  absent: Uint8Array;
  /** The longest member value of any row, in bytes: a column needs at most n × (this + 1) bytes. */
  longest: number;
  /** `],"statuses":[…],"event_timestamps":[…]}` of a column whose rows are all present (made on first use). */
  presentTail?: Buffer;
}

// The arena of the response being written: responses are written synchronously, one at a time, so
// one buffer serves them all (a view needing more than is left gets a larger buffer of its own).
let arena = Buffer.alloc(64 * 1024);
let arenaAt = 0;

function arenaFor(size: number): { buf: Buffer; at: number } {
  if (arenaAt + size > arena.length) {
    arena = Buffer.alloc(Math.max(arena.length * 2, size));
    arenaAt = 0;
  }
  const at = arenaAt;
  arenaAt += size;
  return { buf: arena, at };
}

// What rows of differing layouts carry instead of an arena (they are written value by value).
const NO_ROWS = new Int32Array(0);
const NO_BYTES = Buffer.alloc(0);
const NO_WORDS = new DataView(NO_BYTES.buffer, NO_BYTES.byteOffset, 0);

function prepareRows(rows: ViewRows, timestamps: Buffer): PreparedRows {
  const n = rows.records.length;
  const absent = new Uint8Array(n);
  const found = new Array<ScalarMembers | null>(n);
  let shared: MemberLayout | undefined;
  let uniform = true;
  let longest = 4;
  let bytes = 0;
  for (let j = 0; j < n; j++) {
    const rec = rows.records[j];
    if (!rec || rows.expired[j]) {
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
    found[j] = members;
    bytes += rec.utf8!.length;
  }
  if (!uniform || shared === undefined) {
    return { timestamps, shared: undefined, arena: NO_BYTES, words: NO_WORDS, starts: NO_ROWS, ends: NO_ROWS, absent, longest };
  }
  const members = shared.index.size;
  const starts = new Int32Array(members * n);
  const ends = new Int32Array(members * n);
  const { buf, at } = arenaFor(bytes);
  let base = at;
  for (let j = 0; j < n; j++) {
    const f = found[j];
    if (f === null) {
      for (let m = 0; m < members; m++) starts[m * n + j] = ends[m * n + j] = -1;
      continue;
    }
    const src = rows.records[j]!.utf8!;
    buf.set(src, base);
    const sp = f.spans;
    for (let m = 0; m < members; m++) {
      starts[m * n + j] = base + sp[3 * m + 1];
      ends[m * n + j] = base + sp[3 * m + 2];
    }
    base += src.length;
  }
  return { timestamps, shared, arena: buf, words: new DataView(buf.buffer, buf.byteOffset, buf.byteLength), starts, ends, absent, longest };
}

/**
 * One view column: row j's value and status. Stored values are copied as bytes, not re-formatted;
 * rows that share a layout are copied in one tight loop, anything else goes value by value.
 */
function writeViewColumn(w: ByteWriter, rows: ViewRows, prepared: PreparedRows, feature: string, statuses: Uint8Array): void {
  const n = rows.records.length;
  w.bytes(VALUES_OPEN);
  const allPresent = prepared.shared ? copyColumn(w, prepared, prepared.shared.index.get(feature) ?? -1, statuses) : writeValues(w, rows, feature, statuses);
  if (allPresent) {
    // The same closing for every all-present column of this view: made once, copied whole.
    prepared.presentTail ??= Buffer.concat([STATUSES_OPEN, allPresentRun(n), TIMESTAMPS_OPEN, prepared.timestamps, CLOSE_BRACE]);
    w.bytes(prepared.presentTail);
    return;
  }
  w.bytes(STATUSES_OPEN);
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
  const n = p.absent.length;
  w.ensure(n * (p.longest + 1));
  const buf = w.buf;
  const out = w.words();
  const src = p.arena;
  const words = p.words;
  const { starts, ends } = p;
  let at = w.at;
  let all = true;
  for (let j = 0; j < n; j++) {
    if (j) buf[at++] = COMMA;
    let from = m < 0 ? -1 : starts[m * n + j];
    if (from < 0) {
      // n u l l
      buf[at] = 110;
      buf[at + 1] = 117;
      buf[at + 2] = 108;
      buf[at + 3] = 108;
      at += 4;
      // Nothing served (NOT_FOUND, OUTSIDE_MAX_AGE), or a layout without the feature.
      statuses[j] = p.absent[j] || NULL_VALUE;
      all = false;
      continue;
    }
    const to = ends[m * n + j];
    // `null` is the only scalar text starting with 'n'.
    if (src[from] === 110) {
      statuses[j] = NULL_VALUE;
      all = false;
    } else statuses[j] = PRESENT;
    // Four bytes at a time, then the rest: numbers are ~18 bytes of text.
    for (; from + 4 <= to; from += 4, at += 4) out.setUint32(at, words.getUint32(from));
    while (from < to) buf[at++] = src[from++];
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
  arenaAt = 0;
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
