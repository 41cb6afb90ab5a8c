/**
 * Reading single values out of an `EncodedRecord`'s JSON text without parsing it: a lookup answering
 * JSON copies each number's text instead of parsing it and formatting it again (converting a double
 * to its shortest text is the dearest step of a large response).
 *
 * Only the shape `JSON.stringify` gives an object whose values are all numbers, booleans or null is
 * split: `{"a":1.5,"b":null}`. Then every comma separates two members, because no value or key can
 * hold one. Anything else — a string, array or object value, a key needing escapes — answers
 * `undefined` and the caller parses the text instead. The copied text is what `JSON.stringify` makes of
 * the parsed value, because the text was made by `JSON.stringify` (the store's encoding) and its number
 * formatting is the shortest text that parses back to the same double.
 */

const QUOTE = 34;
const COLON = 58;
const BRACKET = 91;
const BRACE = 123;
const BACKSLASH = '\\';

/** The members of a flat JSON object of scalars, each as `"name":text`; undefined for any other JSON. */
export function splitScalarMembers(json: string): string[] | undefined {
  if (json.charCodeAt(0) !== BRACE || json.charCodeAt(json.length - 1) !== 125) return undefined;
  if (json.length === 2) return [];
  // No escapes anywhere: keys are then plain, and any string value is caught below by its quote.
  if (json.indexOf(BACKSLASH) >= 0) return undefined;
  const members = json.slice(1, -1).split(',');
  for (const m of members) {
    if (m.charCodeAt(0) !== QUOTE) return undefined;
    const end = m.indexOf('"', 1);
    if (end < 0 || m.charCodeAt(end + 1) !== COLON) return undefined;
    const first = m.charCodeAt(end + 2);
    if (first === QUOTE || first === BRACKET || first === BRACE || Number.isNaN(first)) return undefined;
  }
  return members;
}

/** What a member of `name` starts with in `JSON.stringify` output: `"name":`. */
export function memberPrefix(name: string): string {
  return `${JSON.stringify(name)}:`;
}

/**
 * Where the member starting with `prefix` is, looked for at `hint` first (records of one view usually
 * list their features in the same order), then everywhere; -1 when the record has no such member.
 * Its text is `members[i].slice(prefix.length)`.
 */
export function memberIndex(members: readonly string[], prefix: string, hint: number): number {
  if (members[hint]?.startsWith(prefix)) return hint;
  for (let i = 0; i < members.length; i++) if (members[i].startsWith(prefix)) return i;
  return -1;
}
