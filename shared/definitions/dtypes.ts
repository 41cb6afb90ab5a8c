/** Scalar value types, named as in Feast. */
export const SCALAR_DTYPES = ['Int32', 'Int64', 'Float32', 'Float64', 'String', 'Bool', 'Bytes', 'UnixTimestamp'] as const;
export type ScalarDType = (typeof SCALAR_DTYPES)[number];
/** A feature's value type: a scalar or `Array(<scalar>)`. Kept as a string so it serializes as itself. */
export type DType = ScalarDType | `Array(${ScalarDType})`;

export const Int32 = 'Int32' satisfies DType;
export const Int64 = 'Int64' satisfies DType;
export const Float32 = 'Float32' satisfies DType;
export const Float64 = 'Float64' satisfies DType;
export const String = 'String' satisfies DType;
export const Bool = 'Bool' satisfies DType;
export const Bytes = 'Bytes' satisfies DType;
export const UnixTimestamp = 'UnixTimestamp' satisfies DType;

/**
 * @example Array(Int64) // 'Array(Int64)'
 */
export function Array<T extends ScalarDType>(of: T): `Array(${T})` {
  return `Array(${of})`;
}

export function isDType(value: unknown): value is DType {
  if (typeof value !== 'string') return false;
  const m = /^Array\((\w+)\)$/.exec(value);
  return (SCALAR_DTYPES as readonly string[]).includes(m ? m[1] : value);
}

/** Splits a dtype into its scalar and whether it is an array. */
export function parseDType(dtype: DType): { scalar: ScalarDType; array: boolean } {
  const m = /^Array\((\w+)\)$/.exec(dtype);
  return m ? { scalar: m[1] as ScalarDType, array: true } : { scalar: dtype as ScalarDType, array: false };
}
