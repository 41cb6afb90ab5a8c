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

/** What a member of `name` starts with in `JSON.stringify` output, as UTF-8: `"name":`. */
export function memberPrefix(name: string): Buffer {
  return Buffer.from(`${JSON.stringify(name)}:`);
}

function startsWithAt(b: Uint8Array, at: number, prefix: Uint8Array): boolean {
  if (at + prefix.length > b.length) return false;
  for (let k = 0; k < prefix.length; k++) if (b[at + k] !== prefix[k]) return false;
  return true;
}

/**
 * Which member (index into the triples) is `prefix`'s, looked for at `hint` first (records of one
 * view usually list their features in the same order), then everywhere; -1 when the record has no
 * such member. A member matches when its bytes start with the prefix and its value starts right
 * after it, so `"f1":` never matches `"f10":`.
 */
export function memberIndex(b: Uint8Array, spans: Int32Array, prefix: Uint8Array, hint: number): number {
  const count = spans.length / 3;
  if (hint < count && isMember(b, spans, hint, prefix)) return hint;
  for (let m = 0; m < count; m++) if (isMember(b, spans, m, prefix)) return m;
  return -1;
}

function isMember(b: Uint8Array, spans: Int32Array, m: number, prefix: Uint8Array): boolean {
  return spans[3 * m + 1] - spans[3 * m] === prefix.length && startsWithAt(b, spans[3 * m], prefix);
}
