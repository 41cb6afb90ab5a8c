/**
 * Where a window's events come from at lookup time t (docs/aggregations-online.md). A window covers
 * (t − w, t]; tiles are aligned intervals [s, s + I). Tiles wholly inside the window are read as
 * partials; the partly covered tiles at both edges — the head (the tile holding t) and the tail (the
 * tile holding t − w) — are read as raw events and filtered exactly, so the answer is exact at the
 * millisecond (Chronon's sawtooth, with the tail made exact too).
 */

/** A half-open range of event times [from, to), in epoch ms. */
export interface TimeRange {
  from: number;
  to: number;
}

export interface WindowPlan {
  /** Tile starts of the tiles wholly inside the window: [from, to) over tile starts. */
  tiles: TimeRange;
  /** Raw-event ranges at the edges (0, 1 or 2 of them). */
  events: TimeRange[];
}

export const tileStart = (ts: number, intervalMs: number): number => Math.floor(ts / intervalMs) * intervalMs;

/** The plan of one window of `windowMs` ending at `t` (inclusive), with tiles of `intervalMs`. */
export function planWindow(t: number, windowMs: number, intervalMs: number): WindowPlan {
  // Events with lo < ts ≤ t, i.e. ts in [lo + 1, t + 1) with integer milliseconds.
  const from = t - windowMs + 1;
  const to = t + 1;
  const firstFull = Math.ceil(from / intervalMs) * intervalMs;
  const lastFullEnd = tileStart(to, intervalMs);
  if (firstFull >= lastFullEnd) return { tiles: { from: firstFull, to: firstFull }, events: [{ from, to }] };
  const events: TimeRange[] = [];
  if (from < firstFull) events.push({ from, to: firstFull });
  if (lastFullEnd < to) events.push({ from: lastFullEnd, to });
  return { tiles: { from: firstFull, to: lastFullEnd }, events };
}

/**
 * What one lookup reads per entity for a set of windows: one tile range (the union over windows)
 * and the raw-event ranges, overlapping ones merged. At most 1 tile range + (windows + 1) event
 * ranges: the bound on reads per entity and view.
 */
export function planReads(t: number, windowsMs: readonly number[], intervalMs: number): { plans: WindowPlan[]; tiles: TimeRange; events: TimeRange[] } {
  const plans = windowsMs.map((w) => planWindow(t, w, intervalMs));
  const nonEmpty = plans.filter((p) => p.tiles.from < p.tiles.to).map((p) => p.tiles);
  const tiles = nonEmpty.length ? { from: Math.min(...nonEmpty.map((r) => r.from)), to: Math.max(...nonEmpty.map((r) => r.to)) } : { from: 0, to: 0 };
  return { plans, tiles, events: mergeRanges(plans.flatMap((p) => p.events)) };
}

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
