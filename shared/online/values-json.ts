/**
 * Reading single values out of an `EncodedRecord`'s JSON bytes without parsing them: a lookup
 * answering JSON copies each number's bytes instead of parsing it and formatting it again
 * (converting a double to its shortest text is the dearest step of a large response), and makes no
 * string per value.
 *
 * Only the shape `JSON.stringify` gives an object whose values are all numbers, booleans or null is
 * split: `{"a":1.5,"b":null}`. Anything else — a string, array or object value, a key with an
 * escape — answers `undefined` and the caller parses the text instead. The copied bytes are what
 * `JSON.stringify` makes of the parsed value, because the text was made by `JSON.stringify` (the
 * store's encoding) and its number formatting is the shortest text that parses back to the same
 * double.
 */

const QUOTE = 34;
const COMMA = 44;
const COLON = 58;
const BRACKET = 91;
const BACKSLASH = 92;
const BRACE = 123;
const CLOSE_BRACE = 125;

// Spans are collected here, then copied out at their size: one allocation per record.
let scratch = new Int32Array(3 * 64);

/**
 * The members of a flat JSON object of scalars, as triples [name start, value start, value end] of
 * byte offsets (the name start is its opening quote); undefined for any other JSON.
 */
export function scalarMemberSpans(b: Uint8Array): Int32Array | undefined {
  const n = b.length;
  if (n < 2 || b[0] !== BRACE || b[n - 1] !== CLOSE_BRACE) return undefined;
  if (n === 2) return new Int32Array(0);
  let k = 0;
  let i = 1;
  for (;;) {
    if (b[i] !== QUOTE) return undefined;
    const name = i;
    i++;
    while (i < n && b[i] !== QUOTE) {
      if (b[i] === BACKSLASH) return undefined;
      i++;
    }
    if (b[i + 1] !== COLON) return undefined;
    i += 2;
    const first = b[i];
    if (first === QUOTE || first === BRACKET || first === BRACE || first === COMMA || first === CLOSE_BRACE || i >= n - 1) return undefined;
    const start = i;
    // A scalar's text holds no comma, quote or brace: the next comma or the final brace ends it.
    while (i < n - 1 && b[i] !== COMMA) {
      if (b[i] === QUOTE || b[i] === BACKSLASH) return undefined;
      i++;
    }
    if (k + 3 > scratch.length) {
      const grown = new Int32Array(scratch.length * 2);
      grown.set(scratch);
      scratch = grown;
    }
    scratch[k++] = name;
    scratch[k++] = start;
    scratch[k++] = i;
    if (i === n - 1) return scratch.slice(0, k);
    i++;
  }
}

/** Which member holds each name: shared by every record whose members come in the same order (one view's records, usually). */
export interface MemberLayout {
  index: ReadonlyMap<string, number>;
}

/** A record's members: byte spans and their layout. */
export interface ScalarMembers {
  spans: Int32Array;
  layout: MemberLayout;
}

// Layouts by a hash of their names' bytes in order, each kept with those bytes so a record is
// matched to its layout by comparing bytes: no string per member name is made per record.
interface KnownLayout {
  layout: MemberLayout;
  /** The names' UTF-8 bytes, each followed by a 0 byte. */
  names: Buffer;
}
const layouts = new Map<number, KnownLayout[]>();
let layoutCount = 0;
const MAX_LAYOUTS = 1000;

/** FNV-1a over the member names' bytes (between their quotes), a 0 after each. */
function namesHash(b: Uint8Array, spans: Int32Array): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < spans.length; k += 3) {
    for (let i = spans[k] + 1, end = spans[k + 1] - 2; i < end; i++) h = Math.imul(h ^ b[i], 16777619);
    h = Math.imul(h, 16777619);
  }
  return h;
}

function sameNames(known: Buffer, b: Uint8Array, spans: Int32Array): boolean {
  let at = 0;
  for (let k = 0; k < spans.length; k += 3) {
    for (let i = spans[k] + 1, end = spans[k + 1] - 2; i < end; i++) if (known[at++] !== b[i]) return false;
    if (known[at++] !== 0) return false;
  }
  return at === known.length;
}

// Ends each name in a layout's `names` bytes.
const ZERO = Buffer.from([0]);

function layoutOf(b: Buffer, spans: Int32Array): MemberLayout {
  const h = namesHash(b, spans);
  const candidates = layouts.get(h);
  if (candidates) for (const c of candidates) if (sameNames(c.names, b, spans)) return c.layout;
  const names: string[] = new Array(spans.length / 3);
  const parts: Buffer[] = [];
  for (let m = 0; m < names.length; m++) {
    const from = spans[3 * m] + 1;
    const to = spans[3 * m + 1] - 2;
    names[m] = b.toString('utf8', from, to);
    parts.push(b.subarray(from, to), ZERO);
  }
  const layout: MemberLayout = { index: new Map(names.map((n, m) => [n, m])) };
  if (layoutCount < MAX_LAYOUTS) {
    layoutCount++;
    const known = { layout, names: Buffer.concat(parts) };
    if (candidates) candidates.push(known);
    else layouts.set(h, [known]);
  }
  return layout;
}

/** The members of a flat JSON object of scalars with their layout; undefined for any other JSON. */
export function scalarMembers(b: Buffer): ScalarMembers | undefined {
  const spans = scalarMemberSpans(b);
  if (!spans) return undefined;
  return { spans, layout: layoutOf(b, spans) };
}
