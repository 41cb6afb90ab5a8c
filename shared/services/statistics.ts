import type { DType } from '../definitions/dtypes.js';
import { ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import { storedColumns } from '../offline/source-node.js';
import type { StatisticsEngine } from '../offline/statistics-engine.js';
import { histogramBins, statisticsKind, type HistogramBins, type StatisticsKind, type StatisticsQueryInput } from '../offline/sql/statistics-compiler.js';
import type { FeatureViewSpec } from '../registry/types.js';

export interface FeatureStatistics {
  name: string;
  dtype: DType;
  kind: StatisticsKind;
  /** Non-null values. */
  count: number;
  nulls: number;
  nullRate: number;
  min?: number | string;
  max?: number | string;
  mean?: number;
  distinct?: number;
  /** Equal-width bins [start, end) from min; the last one also holds max. */
  histogram?: { start: number; end: number; count: number }[];
  top?: { value: string; count: number }[];
}

export interface ViewStatistics {
  view: string;
  /** Event-time range [start, end). */
  start: string;
  end: string;
  rowCount: number;
  /** What the rows hold: the view's features, or for an aggregation view the raw event columns its features are computed from. */
  of: 'features' | 'events';
  engine: StatisticsEngine['engine'];
  computedAt: string;
  /** True when this answer came from the cache (same view version, range and options). */
  cached: boolean;
  features: FeatureStatistics[];
}

export interface StatisticsOptions {
  start: Date;
  end: Date;
  bins?: number;
  top?: number;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const instant = (v: unknown): string | undefined =>
  v === null || v === undefined
    ? undefined
    : v instanceof Date
      ? v.toISOString()
      : new Date(String(v).replace(' ', 'T') + (/[zZ]$|[+-]\d\d:?\d\d$/.test(String(v)) ? '' : 'Z')).toISOString();

/**
 * Statistics of a view version's offline rows with event time in [start, end): row count, and per
 * feature the null rate, min / max / mean and a histogram (numbers), top values (text, booleans).
 * Three queries on the provider's engine: the summary, then histograms over its bounds, top values.
 */
export async function computeStatistics(engine: StatisticsEngine, view: FeatureViewSpec, o: StatisticsOptions, now: Date): Promise<ViewStatistics> {
  if (Number.isNaN(o.start.getTime()) || Number.isNaN(o.end.getTime()) || o.start >= o.end)
    throw new ValidationError('statistics need a time range with start < end', [{ field: 'start', message: 'expected an instant before end' }]);
  const bins = o.bins ?? 10;
  const top = o.top ?? 10;
  // An aggregation view's offline rows are its raw events: their columns are what the data holds.
  const columns = storedColumns(view);
  const input: StatisticsQueryInput = { source: await engine.source(view), features: columns, start: o.start, end: o.end };
  const [summary] = await engine.all(engine.compiler.summary(input));
  const rowCount = num(summary.n);
  const features: FeatureStatistics[] = columns.map((f, i) => {
    const count = num(summary[`c${i}_nonnull`]);
    const kind = statisticsKind(f.dtype);
    const s: FeatureStatistics = { name: f.name, dtype: f.dtype, kind, count, nulls: rowCount - count, nullRate: rowCount ? (rowCount - count) / rowCount : 0 };
    if (kind === 'numeric' && count > 0) Object.assign(s, { min: num(summary[`c${i}_min`]), max: num(summary[`c${i}_max`]), mean: num(summary[`c${i}_mean`]) });
    if (kind === 'timestamp' && count > 0) Object.assign(s, { min: instant(summary[`c${i}_min`]), max: instant(summary[`c${i}_max`]) });
    if (kind === 'categorical') s.distinct = num(summary[`c${i}_distinct`]);
    return s;
  });

  const binning = new Map<number, HistogramBins>();
  features.forEach((f, i) => {
    if (f.kind === 'numeric' && f.count > 0) binning.set(i, histogramBins(f.dtype, f.min as number, f.max as number, bins));
  });
  const histSql = engine.compiler.histograms(input, binning);
  if (histSql) {
    for (const [i, b] of binning) {
      features[i].histogram = Array.from({ length: b.count }, (_, k) => ({ start: b.min + k * b.width, end: b.min + (k + 1) * b.width, count: 0 }));
    }
    for (const r of await engine.all(histSql)) features[num(r.f)].histogram![num(r.b)].count = num(r.n);
  }
  const topSql = engine.compiler.topValues(input, top);
  if (topSql) {
    for (const f of features) if (f.kind === 'categorical') f.top = [];
    for (const r of await engine.all(topSql)) features[num(r.f)].top!.push({ value: String(r.v), count: num(r.n) });
  }
  return {
    view: viewKey(view.name, view.version),
    start: o.start.toISOString(),
    end: o.end.toISOString(),
    rowCount,
    of: view.aggregation ? 'events' : 'features',
    engine: engine.engine,
    computedAt: now.toISOString(),
    cached: false,
    features,
  };
}

/**
 * Statistics scan the offline data (Athena bills the bytes), so answers are kept for `ttlMs` per
 * view version, range and options; `refresh` recomputes. Concurrent asks for one key share a run.
 */
export class StatisticsCache {
  private readonly entries = new Map<string, { at: number; value: Promise<ViewStatistics> }>();

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly maxEntries = 200,
  ) {}

  async get(key: string, compute: () => Promise<ViewStatistics>, refresh = false, nowMs = Date.now()): Promise<ViewStatistics> {
    const hit = this.entries.get(key);
    if (hit && !refresh && nowMs - hit.at < this.ttlMs) return { ...(await hit.value), cached: true };
    const value = compute();
    this.entries.set(key, { at: nowMs, value });
    value.catch(() => this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
