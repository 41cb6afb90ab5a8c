const replacer = (_k: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v);

/**
 * A record's values as the JSON text stores that keep JSON hold (SQLite): Dates as RFC 3339, bytes
 * as base64, bigint as decimal text. A record of only numbers, strings, booleans, nulls and Dates
 * takes JSON.stringify's native path (the same text: the replacer would return each of them
 * unchanged), a third cheaper than calling the replacer per value (bench/materialize.ts); any other
 * value (bigint, bytes, arrays) goes through the replacer.
 */
export function encodeValues(values: Record<string, unknown>): string {
  for (const k in values) {
    const v = values[k];
    if (typeof v === 'bigint' || (typeof v === 'object' && v !== null && !(v instanceof Date))) return JSON.stringify(values, replacer);
  }
  return JSON.stringify(values);
}
