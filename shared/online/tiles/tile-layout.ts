/**
 * Tile arithmetic (docs/aggregations-online.md): tiles are aligned intervals [s, s + I) of event
 * time; a window at lookup time t covers (t − w, t].
 */

/** A half-open range of event times [from, to), in epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

export const tileStart = (ts: number, intervalMs: number): number => Math.floor(ts / intervalMs) * intervalMs;

export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = [...ranges].filter((r) => r.from < r.to).sort((a, b) => a.from - b.from);
  const out: TimeRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

/**
 * When a tile or raw event may go (epoch seconds, DynamoDB TTL): once no window of the view can
 * reach it, i.e. its tile's end + the longest window + the clock-skew allowance (lookups may run up
 * to that much behind the newest event time).
 */
export function expiresAt(ts: number, intervalMs: number, maxWindowMs: number, skewMs: number): number {
  return Math.ceil((tileStart(ts, intervalMs) + intervalMs + maxWindowMs + skewMs) / 1000);
}
