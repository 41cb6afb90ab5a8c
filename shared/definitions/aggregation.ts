import { z } from 'zod';
import { parseDType, type DType, type ScalarDType } from './dtypes.js';
import type { Field } from './field.js';
import * as s from './schemas.js';

/**
 * Windowed aggregations over events (docs/aggregations.md), as Tecton and Chronon users declare
 * them: each one reads one event column over `(ts − window, ts]` and yields one feature.
 */

export const AGGREGATION_FUNCTIONS = ['count', 'sum', 'mean', 'min', 'max', 'last', 'last_n', 'count_distinct'] as const;
export type AggregationFunction = (typeof AGGREGATION_FUNCTIONS)[number];

/** last_n keeps at most this many values: a feature, not an event log. */
export const MAX_LAST_N = 10;
export const MIN_WINDOW_SECONDS = 60;
export const MAX_WINDOW_SECONDS = 30 * 86400;
/** The tile size when none is declared, if it divides every window (else their greatest common divisor with it). */
export const DEFAULT_AGGREGATION_INTERVAL_SECONDS = 3600;

/** One aggregation as a user writes it. */
export const AggregationOptions = z.strictObject({
  /** The event column; optional for `count`, which then counts events. */
  column: s.name.optional(),
  function: z.enum(AGGREGATION_FUNCTIONS),
  window: s.duration,
  /** For last_n: how many values, 1 to 10. */
  n: z.number().int().min(1).max(MAX_LAST_N).optional(),
  /** The feature's name; default `<column>_<function>_<window>` (`tokens_sum_7d`, `model_last_3_7d`, `count_1h`). */
  name: s.name.optional(),
  description: z.string().default(''),
  tags: s.tags,
});
export type AggregationOptions = z.input<typeof AggregationOptions>;

/** One aggregation, resolved: the feature it yields, what it reads and its output dtype. */
export interface Aggregation {
  /** The feature name. */
  readonly name: string;
  /** The event column read; absent for a count of events. */
  readonly column?: string;
  readonly function: AggregationFunction;
  readonly windowSeconds: number;
  /** last_n only. */
  readonly n?: number;
  /** The output dtype, derived from the column's (see `aggregationDType`). */
  readonly dtype: DType;
}

const NUMERIC: readonly ScalarDType[] = ['Int32', 'Int64', 'Float32', 'Float64'];
const ORDERED: readonly ScalarDType[] = [...NUMERIC, 'String', 'UnixTimestamp'];

/**
 * The output dtype of `fn` over a column of `input` (undefined: a count of events), or a message
 * saying why the pair is not allowed. count / count_distinct → Int64; sum keeps Int64 (Int32 widens)
 * and Float64 (Float32 widens); mean → Float64; min / max / last keep the type; last_n → an array of it.
 */
export function aggregationDType(fn: AggregationFunction, input: DType | undefined): { dtype: DType } | { error: string } {
  if (fn === 'count') return { dtype: 'Int64' };
  if (input === undefined) return { error: `${fn} needs a column` };
  const { scalar, array } = parseDType(input);
  if (array && fn !== 'last') return { error: `${fn} cannot read the array column of type ${input}` };
  switch (fn) {
    case 'count_distinct':
      return { dtype: 'Int64' };
    case 'sum':
      if (!NUMERIC.includes(scalar)) return { error: `sum needs a numeric column (Int32, Int64, Float32, Float64), got ${input}` };
      return { dtype: scalar === 'Int32' || scalar === 'Int64' ? 'Int64' : 'Float64' };
    case 'mean':
      if (!NUMERIC.includes(scalar)) return { error: `mean needs a numeric column (Int32, Int64, Float32, Float64), got ${input}` };
      return { dtype: 'Float64' };
    case 'min':
    case 'max':
      if (!ORDERED.includes(scalar)) return { error: `${fn} needs a numeric, String or UnixTimestamp column, got ${input}` };
      return { dtype: input };
    case 'last':
      return { dtype: input };
    case 'last_n':
      return { dtype: `Array(${scalar})` };
  }
}

/** `7d`, `90m`, `1h`: the largest unit that divides the window, for default feature names. */
export function windowLabel(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

export function defaultAggregationName(a: { column?: string; function: AggregationFunction; windowSeconds: number; n?: number }): string {
  const fn = a.function === 'last_n' ? `last_${a.n}` : a.function;
  return [a.column, fn, windowLabel(a.windowSeconds)].filter(Boolean).join('_');
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The default tile size: 1 h when it divides every window, else the largest size that does. */
export function defaultAggregationInterval(windows: readonly number[]): number {
  return windows.reduce(gcd, DEFAULT_AGGREGATION_INTERVAL_SECONDS);
}

type Issue = { path: (string | number)[]; message: string };

/**
 * Resolves declared aggregations against the event columns; returns the aggregations or the issues
 * (each naming the option at fault) for the view's zod refinement to report.
 */
export function resolveAggregations(
  declared: readonly z.output<typeof AggregationOptions>[],
  events: readonly Field[],
  intervalSeconds: number | undefined,
): { aggregations: Aggregation[]; declaredAt: number[]; intervalSeconds: number; issues: Issue[] } {
  const issues: Issue[] = [];
  const columns = new Map(events.map((f) => [f.name, f.dtype]));
  const aggregations: Aggregation[] = [];
  // The declaration index of each resolved aggregation, so later issues name the right entry.
  const declaredAt: number[] = [];
  declared.forEach((d, i) => {
    const at = (key: string) => ['aggregations', i, key];
    const w = d.window;
    if (w < MIN_WINDOW_SECONDS || w > MAX_WINDOW_SECONDS || w % 60 !== 0) {
      issues.push({ path: at('window'), message: `expected whole minutes from 1m to 30d, got ${w}s` });
      return;
    }
    if (d.column !== undefined && !columns.has(d.column)) {
      issues.push({ path: at('column'), message: `'${d.column}' is not in eventSchema (${[...columns.keys()].join(', ')})` });
      return;
    }
    if (d.function === 'last_n' && d.n === undefined) {
      issues.push({ path: at('n'), message: `last_n needs n (1 to ${MAX_LAST_N})` });
      return;
    }
    if (d.function !== 'last_n' && d.n !== undefined) {
      issues.push({ path: at('n'), message: `n applies to last_n only, not ${d.function}` });
      return;
    }
    const out = aggregationDType(d.function, d.column === undefined ? undefined : columns.get(d.column));
    if ('error' in out) {
      issues.push({ path: at(d.column === undefined ? 'column' : 'function'), message: out.error });
      return;
    }
    const base = { column: d.column, function: d.function, windowSeconds: w, n: d.n };
    const name = d.name ?? defaultAggregationName(base);
    aggregations.push(
      Object.freeze({
        name,
        ...(d.column !== undefined ? { column: d.column } : {}),
        function: d.function,
        windowSeconds: w,
        ...(d.n !== undefined ? { n: d.n } : {}),
        dtype: out.dtype,
      }),
    );
    declaredAt.push(i);
  });
  const windows = aggregations.map((a) => a.windowSeconds);
  const interval = intervalSeconds ?? defaultAggregationInterval(windows);
  if (intervalSeconds !== undefined) {
    if (interval < 60 || interval % 60 !== 0) issues.push({ path: ['aggregationInterval'], message: `expected whole minutes, at least 1m, got ${interval}s` });
    else {
      const i = aggregations.findIndex((a) => a.windowSeconds % interval !== 0);
      if (i >= 0)
        issues.push({
          path: ['aggregations', declaredAt[i], 'window'],
          message: `${windowLabel(aggregations[i].windowSeconds)} is not a multiple of aggregationInterval ${windowLabel(interval)}`,
        });
    }
  }
  return { aggregations, declaredAt, intervalSeconds: interval, issues };
}
