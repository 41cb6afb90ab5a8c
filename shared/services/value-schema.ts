import { z } from 'zod';
import type { DType } from '../definitions/dtypes.js';
import { jsonKind, type JsonKind } from '../definitions/type-map.js';
import { parseInstantResult } from '../util/time.js';
import { preview } from '../util/preview.js';

/**
 * One coercion rule for every numeric type (issue 10 item 6): a JSON number, or a string holding a
 * decimal number (`"5"`, `"1.5"`, `"-2e3"`) — strings are how JSON carries exact Int64 values. Then
 * the declared type decides: integers must be integral and in range, floats finite in their width.
 * Nothing else is coerced (no numbers for String, no strings for Bool).
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const FLOAT32_MAX = 3.4028234663852886e38;

type Check = { ok: true; value: unknown } | { ok: false; message: string };

function numeric(v: unknown, what: string): { n: number; text?: string } | string {
  if (typeof v === 'number') return { n: v };
  if (typeof v === 'bigint') return { n: Number(v), text: v.toString() };
  if (typeof v === 'string' && DECIMAL.test(v.trim())) return { n: Number(v.trim()), text: v.trim() };
  return `expected ${what} (a JSON number or a decimal string), got ${preview(v)}`;
}

function int(bits: 32 | 64) {
  const what = `an integer of ${bits} bits`;
  return (v: unknown): Check => {
    const p = numeric(v, what);
    if (typeof p === 'string') return { ok: false, message: p };
    // Exact digits: checked as a bigint, kept as text past 2^53 so nothing is rounded.
    if (p.text !== undefined && /^[+-]?\d+$/.test(p.text)) {
      const b = BigInt(p.text);
      const [lo, hi] = bits === 32 ? [-(2n ** 31n), 2n ** 31n - 1n] : [INT64_MIN, INT64_MAX];
      if (b < lo || b > hi) return { ok: false, message: `expected ${what}: ${preview(p.text, 40)} is out of range [${lo}, ${hi}]` };
      return { ok: true, value: Number.isSafeInteger(Number(b)) ? Number(b) : b.toString() };
    }
    if (!Number.isFinite(p.n) || !Number.isInteger(p.n)) return { ok: false, message: `expected ${what}, got ${preview(v, 40)}` };
    if (!Number.isSafeInteger(p.n)) {
      // A JSON number past 2^53 was already rounded by the parser: do not show the rounded value as if it were the input.
      return { ok: false, message: `expected ${what}: a JSON number beyond ±9007199254740991 loses precision when parsed; send it as a decimal string` };
    }
    if (bits === 32 && (p.n < -(2 ** 31) || p.n >= 2 ** 31))
      return { ok: false, message: `expected ${what}: ${p.n} is out of range [-2147483648, 2147483647]` };
    return { ok: true, value: p.n };
  };
}

function float(bits: 32 | 64) {
  const what = bits === 32 ? 'a Float32 number' : 'a Float64 number';
  return (v: unknown): Check => {
    const p = numeric(v, what);
    if (typeof p === 'string') return { ok: false, message: p };
    if (!Number.isFinite(p.n)) return { ok: false, message: `expected ${what}: ${preview(v, 40)} is not finite` };
    if (bits === 64) return { ok: true, value: p.n };
    // Rounded to single precision here, so online and offline (Parquet FLOAT) hold the same number;
    // a value past Float32's range would become ±Infinity on one path and NULL on the other: refused.
    const f = Math.fround(p.n);
    if (!Number.isFinite(f) || Math.abs(p.n) > FLOAT32_MAX)
      return { ok: false, message: `expected ${what}: ${preview(v, 40)} is out of Float32 range (±3.4028235e38)` };
    return { ok: true, value: f };
  };
}

/** One check per JSON kind; which kind a dtype travels as is the type map's (`jsonKind`). */
const CHECKS: Record<JsonKind, (v: unknown) => Check> = {
  int32: int(32),
  int64: int(64),
  float32: float(32),
  float64: float(64),
  string: (v) => (typeof v === 'string' ? { ok: true, value: v } : { ok: false, message: `expected a string, got ${preview(v)}` }),
  boolean: (v) => (typeof v === 'boolean' ? { ok: true, value: v } : { ok: false, message: `expected true or false, got ${preview(v)}` }),
  base64: (v) =>
    typeof v === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(v) ? { ok: true, value: v } : { ok: false, message: `expected base64 text, got ${preview(v)}` },
  instant: (v) => {
    const r = parseInstantResult(v, { requireZone: !(v instanceof Date) });
    return r.ok ? { ok: true, value: r.date.toISOString() } : { ok: false, message: `${r.message}, got ${preview(v)}` };
  },
};

/** Checks one value of a dtype: null and undefined are null (a null value is NULL_VALUE, not an error). */
export function checkValue(dtype: DType, v: unknown): Check {
  if (v === null || v === undefined) return { ok: true, value: null };
  const { kind, array } = jsonKind(dtype);
  const check = CHECKS[kind];
  if (!array) return check(v);
  if (!Array.isArray(v)) return { ok: false, message: `expected an array of ${dtype.slice('Array('.length, -1)}, got ${preview(v)}` };
  const out: unknown[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === null || v[i] === undefined) {
      out.push(null);
      continue;
    }
    const r = check(v[i]);
    if (!r.ok) return { ok: false, message: `[${i}]: ${r.message}` };
    out.push(r.value);
  }
  return { ok: true, value: out };
}

const cache = new Map<string, z.ZodType>();

/** `checkValue` as a zod schema (for callers that compose zod). */
export function valueSchema(dtype: DType): z.ZodType {
  let s = cache.get(dtype);
  if (!s) {
    s = z.unknown().transform((v, ctx) => {
      const r = checkValue(dtype, v);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: r.message });
      return z.NEVER;
    });
    cache.set(dtype, s);
  }
  return s;
}
