import { z } from 'zod';
import { parseDType, type DType, type ScalarDType } from '../definitions/dtypes.js';
import { parseInstant } from '../util/time.js';

const intLike = (bits: 32 | 64) =>
  z.union([z.number(), z.string().regex(/^-?\d+$/, 'expected an integer'), z.bigint()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : Number(v);
    const ok = Number.isInteger(n) && (bits === 32 ? n >= -(2 ** 31) && n < 2 ** 31 : Number.isSafeInteger(n) || typeof v !== 'number');
    if (!ok) {
      ctx.addIssue({ code: 'custom', message: `expected a ${bits}-bit integer, got ${JSON.stringify(typeof v === 'bigint' ? v.toString() : v)}` });
      return z.NEVER;
    }
    return Number.isSafeInteger(n) ? n : String(v);
  });

const SCALARS: Record<ScalarDType, z.ZodType> = {
  Int32: intLike(32),
  Int64: intLike(64),
  // Float32 values are rounded to single precision here, so online and offline (Parquet FLOAT) hold the same number.
  Float32: z.number({ error: 'expected a number' }).refine(Number.isFinite, 'expected a finite number').transform((v) => Math.fround(v)),
  Float64: z.number({ error: 'expected a number' }).refine(Number.isFinite, 'expected a finite number'),
  String: z.string({ error: 'expected a string' }),
  Bool: z.boolean({ error: 'expected true or false' }),
  Bytes: z.string({ error: 'expected base64 text' }).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64 text'),
  UnixTimestamp: z.unknown().transform((v, ctx) => {
    const d = parseInstant(v);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: `expected an RFC 3339 timestamp or epoch number, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return d.toISOString();
  }),
};

const cache = new Map<string, z.ZodType>();

/** The schema of one feature value (null allowed: a missing value is NULL_VALUE, not an error). */
export function valueSchema(dtype: DType): z.ZodType {
  let s = cache.get(dtype);
  if (!s) {
    const { scalar, array } = parseDType(dtype);
    s = (array ? z.array(SCALARS[scalar].nullable(), { error: `expected an array of ${scalar}` }) : SCALARS[scalar]).nullable().optional().transform((v) => v ?? null);
    cache.set(dtype, s);
  }
  return s;
}
