import type { DType } from '../definitions/dtypes.js';

/**
 * The dtype of a column nothing declares (a pass-through entity column, a result column), from its
 * JS values: integers → Int64, integers mixed with fractions → Float64, objects → String (as JSON
 * text), anything else mixed → String.
 */
export function inferDType(values: Iterable<unknown>): DType {
  let type: DType | undefined;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    const t: DType =
      v instanceof Date
        ? 'UnixTimestamp'
        : typeof v === 'boolean'
          ? 'Bool'
          : typeof v === 'bigint'
            ? 'Int64'
            : typeof v === 'number'
              ? Number.isInteger(v)
                ? 'Int64'
                : 'Float64'
              : 'String';
    if (type === undefined) type = t;
    else if (type !== t) {
      if ((type === 'Int64' && t === 'Float64') || (type === 'Float64' && t === 'Int64')) type = 'Float64';
      else return 'String';
    }
  }
  return type ?? 'String';
}
