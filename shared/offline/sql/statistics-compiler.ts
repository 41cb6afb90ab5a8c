import { parseDType, type DType } from '../../definitions/dtypes.js';
import { ValidationError } from '../../errors.js';
import type { SourceNode } from './nodes.js';
import type { PitCompiler } from './pit-compiler.js';
import { quoteIdentifier as q, quoteString } from './quote.js';

/** How a feature is summarised: numbers get min / max / mean and a histogram, text and booleans their top values. */
export type StatisticsKind = 'numeric' | 'categorical' | 'timestamp' | 'other';

export function statisticsKind(dtype: DType): StatisticsKind {
  const { scalar, array } = parseDType(dtype);
  if (array) return 'other';
  if (scalar === 'Int32' || scalar === 'Int64' || scalar === 'Float32' || scalar === 'Float64') return 'numeric';
  if (scalar === 'String' || scalar === 'Bool') return 'categorical';
  if (scalar === 'UnixTimestamp') return 'timestamp';
  return 'other';
}

/** A finite number as SQL text, through the audited string quoting (portable DuckDB / Trino). */
export function doubleLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new ValidationError(`not a finite number: ${value}`, [{ field: 'literal', message: 'a finite number' }]);
  return `CAST(${quoteString(String(value))} AS DOUBLE)`;
}

export interface StatisticsQueryInput {
  source: SourceNode;
  /** Features (source columns already mapped to feature names by the source node), in output order. */
  features: readonly { name: string; dtype: DType }[];
  /** Event-time range [start, end). */
  start: Date;
  end: Date;
}

/** Equal-width bins of one feature. */
export interface HistogramBins {
  min: number;
  width: number;
  count: number;
}

/**
 * The bins of a numeric feature with values in [min, max]: `bins` equal-width bins; integers whose
 * range holds fewer than `bins` values get one bin per value (no empty bins between integers).
 */
export function histogramBins(dtype: DType, min: number, max: number, bins: number): HistogramBins {
  if (max <= min) return { min, width: 0, count: 1 };
  const { scalar } = parseDType(dtype);
  if ((scalar === 'Int32' || scalar === 'Int64') && max - min + 1 <= bins) return { min, width: 1, count: max - min + 1 };
  return { min, width: (max - min) / bins, count: bins };
}

/** Output columns are positional (`c0_nulls`…): feature names never need to survive as aliases. */
const col = (i: number, what: string) => q(`c${i}_${what}`);

/**
 * The statistics of a view's offline rows in an event-time range, as SQL for the view's engine.
 * Three statements over the same typed source select the PIT compiler builds (field mapping,
 * casts, `dt` pruning): a one-row summary, histograms (given the summary's bounds) and top values.
 */
export class StatisticsCompiler {
  constructor(private readonly pit: PitCompiler) {}

  private source(input: StatisticsQueryInput): string {
    return this.pit.sourceSelect(input.source, { from: input.start, to: input.end, halfOpen: true });
  }

  /** One row: `n`, and per feature i `c<i>_nonnull`, plus `c<i>_min/_max/_mean` (numbers, timestamps) and `c<i>_distinct` (categorical). */
  summary(input: StatisticsQueryInput): string {
    const cols = [`count(*) AS ${q('n')}`];
    input.features.forEach((f, i) => {
      const c = q(f.name);
      cols.push(`count(${c}) AS ${col(i, 'nonnull')}`);
      const kind = statisticsKind(f.dtype);
      if (kind === 'numeric') {
        cols.push(`min(CAST(${c} AS DOUBLE)) AS ${col(i, 'min')}`, `max(CAST(${c} AS DOUBLE)) AS ${col(i, 'max')}`);
        cols.push(`avg(CAST(${c} AS DOUBLE)) AS ${col(i, 'mean')}`);
      } else if (kind === 'timestamp') {
        cols.push(`min(${c}) AS ${col(i, 'min')}`, `max(${c}) AS ${col(i, 'max')}`);
      } else if (kind === 'categorical') cols.push(`count(DISTINCT ${c}) AS ${col(i, 'distinct')}`);
    });
    return `SELECT ${cols.join(', ')} FROM (${this.source(input)}) ${q('s')}`;
  }

  /**
   * Rows (`f`, `b`, `n`): the count of values of feature index f in bin b, bins being `count`
   * intervals of `width` from `min` (the last one closed; width 0 puts every value in bin 0).
   */
  histograms(input: StatisticsQueryInput, binning: ReadonlyMap<number, HistogramBins>): string | undefined {
    const parts: string[] = [];
    for (const [i, { min, width, count }] of binning) {
      const f = input.features[i];
      if (!f || statisticsKind(f.dtype) !== 'numeric') continue;
      if (!Number.isSafeInteger(count) || count < 1 || count > 1000)
        throw new ValidationError(`bins must be 1..1000, got ${count}`, [{ field: 'bins', message: 'a whole number from 1 to 1000' }]);
      const value = `CAST(${q(f.name)} AS DOUBLE)`;
      const bin = width > 0 ? `LEAST(CAST(floor((${value} - ${doubleLiteral(min)}) / ${doubleLiteral(width)}) AS BIGINT), ${count - 1})` : '0';
      parts.push(`SELECT ${i} AS ${q('f')}, ${bin} AS ${q('b')}, count(*) AS ${q('n')} FROM ${q('s')} WHERE ${q(f.name)} IS NOT NULL GROUP BY 1, 2`);
    }
    if (!parts.length) return undefined;
    return `WITH ${q('s')} AS (${this.source(input)})\n${parts.join('\nUNION ALL\n')}`;
  }

  /** Rows (`f`, `v`, `n`): the `limit` most frequent values of each categorical feature (ties by value). */
  topValues(input: StatisticsQueryInput, limit: number): string | undefined {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000)
      throw new ValidationError(`limit must be 1..1000, got ${limit}`, [{ field: 'limit', message: 'a whole number from 1 to 1000' }]);
    const parts = input.features.flatMap((f, i) =>
      statisticsKind(f.dtype) === 'categorical'
        ? [
            `SELECT ${i} AS ${q('f')}, CAST(${q(f.name)} AS VARCHAR) AS ${q('v')}, count(*) AS ${q('n')} FROM ${q('s')} WHERE ${q(f.name)} IS NOT NULL GROUP BY 1, 2`,
          ]
        : [],
    );
    if (!parts.length) return undefined;
    const rank = `row_number() OVER (PARTITION BY ${q('f')} ORDER BY ${q('n')} DESC, ${q('v')})`;
    return `WITH ${q('s')} AS (${this.source(input)}),\n${q('counts')} AS (${parts.join('\nUNION ALL\n')})\nSELECT ${q('f')}, ${q('v')}, ${q('n')} FROM (SELECT ${q('f')}, ${q('v')}, ${q('n')}, ${rank} AS ${q('r')} FROM ${q('counts')}) ${q('t')} WHERE ${q('r')} <= ${limit} ORDER BY ${q('f')}, ${q('r')}`;
  }
}
