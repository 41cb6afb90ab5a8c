import { DefinitionError } from '../errors.js';

/** Scalar value types, named as in Feast. */
export const SCALAR_DTYPES = ['Int32', 'Int64', 'Float32', 'Float64', 'String', 'Bool', 'Bytes', 'UnixTimestamp'] as const;
export type ScalarDType = (typeof SCALAR_DTYPES)[number];
/** A feature's value type: a scalar or `Array(<scalar>)`. Kept as a string so it serializes as itself. */
export type DType = ScalarDType | `Array(${ScalarDType})`;

export const Int32 = 'Int32' satisfies DType;
export const Int64 = 'Int64' satisfies DType;
export const Float32 = 'Float32' satisfies DType;
export const Float64 = 'Float64' satisfies DType;
/** The String dtype under a name that shadows nothing. */
export const Str = 'String' satisfies DType;
export const Bool = 'Bool' satisfies DType;
export const Bytes = 'Bytes' satisfies DType;
export const UnixTimestamp = 'UnixTimestamp' satisfies DType;

const DTYPE = Symbol.for('skewless.dtype');

/**
 * `String`, imported from skewless, is the String dtype *and* still the global `String`: a repo that
 * imports it (as Feast users write `from feast.types import String`) can keep calling `String(v)`,
 * `new String()` or `String.raw` in the same module. It is the global function behind a proxy that
 * only adds the dtype mark; `Str` is the same dtype under a name that shadows nothing.
 */
export type StringDType = StringConstructor & { readonly [DTYPE]: 'String' };
export const String: StringDType = new Proxy(globalThis.String, {
  get: (target, key, receiver) => (key === DTYPE ? 'String' : Reflect.get(target, key, receiver)),
}) as StringDType;

/** What a definition accepts where a dtype goes: the dtype's name, or the `String` export. */
export type DTypeInput = DType | StringDType;
type ScalarInput = ScalarDType | StringDType;
type ScalarName<T extends ScalarInput> = T extends StringDType ? 'String' : T;

/** The dtype a definition means (`String` → `'String'`), or undefined. */
export function toDType(value: unknown): DType | undefined {
  const marked = typeof value === 'function' ? (value as { [DTYPE]?: unknown })[DTYPE] : value;
  if (typeof marked !== 'string') return undefined;
  const m = /^Array\((\w+)\)$/.exec(marked);
  return (SCALAR_DTYPES as readonly string[]).includes(m ? m[1] : marked) ? (marked as DType) : undefined;
}

/**
 * The array dtype of a scalar.
 * @example ArrayOf(Int64) // 'Array(Int64)'
 */
export function ArrayOf<T extends ScalarInput>(of: T): `Array(${ScalarName<T>})` {
  const scalar = toDType(of);
  if (!scalar || scalar.startsWith('Array('))
    throw new DefinitionError('dtype', `ArrayOf(${globalThis.String(of)})`, 'of', `expected a scalar dtype such as Int64, got ${globalThis.String(of)}`);
  return `Array(${scalar})` as `Array(${ScalarName<T>})`;
}

/**
 * `Array(Int64)` as Feast writes it, and still the global `Array` for everything else
 * (`Array.isArray`, `Array.from`, `new Array(n)`, `Array(1, 2)`): only a call with one scalar dtype
 * makes a dtype. `ArrayOf` is the same without the shadowing.
 */
export type ArrayDTypeFactory = (<T extends ScalarInput>(of: T) => `Array(${ScalarName<T>})`) & ArrayConstructor;
export const Array: ArrayDTypeFactory = new Proxy(globalThis.Array, {
  apply(target, thisArg, args: unknown[]) {
    const scalar = args.length === 1 ? toDType(args[0]) : undefined;
    if (scalar && !scalar.startsWith('Array(')) return `Array(${scalar})`;
    return Reflect.apply(target, thisArg, args);
  },
}) as ArrayDTypeFactory;

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && toDType(value) !== undefined;
}

/** Splits a dtype into its scalar and whether it is an array. */
export function parseDType(dtype: DType): { scalar: ScalarDType; array: boolean } {
  const m = /^Array\((\w+)\)$/.exec(dtype);
  return m ? { scalar: m[1] as ScalarDType, array: true } : { scalar: dtype as ScalarDType, array: false };
}
