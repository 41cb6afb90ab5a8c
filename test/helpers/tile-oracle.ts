import type { TiledAggregation, TileEvent } from '../../shared/online/tiles/partials.js';

/**
 * Brute force over raw events: each aggregation over (t − window, t], nulls skipped, last / last_n by
 * (event time, value) descending, empty → 0 for count / count_distinct / sum, [] for last_n, null otherwise.
 */
const ascending = (x: number | string, y: number | string) => (x < y ? -1 : x > y ? 1 : 0);

export function oracleAggregate(events: readonly TileEvent[], aggs: readonly TiledAggregation[], t: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of aggs) {
    const col = a.column;
    const inWindow = events.filter((e) => e.ts > t - a.windowMs && e.ts <= t && (col === undefined || (e.values[col] !== null && e.values[col] !== undefined)));
    const vals = inWindow.map((e) => (col === undefined ? 1 : (e.values[col] as number | string)));
    const latest = [...inWindow].sort((x, y) => y.ts - x.ts || ascending(y.values[col!] as number | string, x.values[col!] as number | string));
    switch (a.function) {
      case 'count':
        out[a.name] = vals.length;
        break;
      case 'count_distinct':
        out[a.name] = new Set(vals.map((v) => `${typeof v}:${v}`)).size;
        break;
      case 'sum':
        out[a.name] = (vals as number[]).reduce((s, v) => s + v, 0);
        break;
      case 'mean':
        out[a.name] = vals.length ? (vals as number[]).reduce((s, v) => s + v, 0) / vals.length : null;
        break;
      case 'min':
        out[a.name] = vals.length ? [...vals].sort(ascending)[0] : null;
        break;
      case 'max':
        out[a.name] = vals.length ? [...vals].sort(ascending).at(-1) : null;
        break;
      case 'last':
        out[a.name] = latest.length ? latest[0].values[col!] : null;
        break;
      case 'last_n':
        out[a.name] = latest.slice(0, a.n ?? 1).map((e) => e.values[col!]);
        break;
    }
  }
  return out;
}

/** Equal up to float rounding (sums merged in another order). */
export function closeTo(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => closeTo(x, b[i]));
  return a === b;
}
