import { empty, finalize, laterFirst, type Measure, measureId, merge, ofEvent, type Partial, type Scalar, type Stamped, type TileEvent } from './partials.js';
import { type TimeRange, tileStart } from './tile-layout.js';
import { EMPTY_TILE_SET, type MeasureColumn, type TileSet } from './tile-set.js';
import type { TileLayout } from './types.js';

/** What the store returned for one entity: its tiles, and the raw events of the edge ranges it was asked for. */
export interface EntityTiles {
  tiles: TileSet;
  events: readonly TileEvent[];
}

export const NO_TILES: EntityTiles = { tiles: EMPTY_TILE_SET, events: [] };

/** The events of a window ending at `t` (inclusive): ts in [t − w + 1, t + 1) in integer milliseconds. */
const windowRange = (t: number, windowMs: number): TimeRange => ({ from: t - windowMs + 1, to: t + 1 });

function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How a window uses the tiles it overlaps: tiles whose events all fall inside (by their oldest and
 * newest event time) are merged as partials — a contiguous run [a, b) —, tiles whose events all fall
 * outside are skipped, and only a tile the window edge cuts through its events needs raw events: the
 * part of the tile inside the window (Chronon's sawtooth, made exact). Only the first and the last
 * overlapping tile can be cut; every tile between them lies inside the window.
 */
function windowTiles(set: TileSet, range: TimeRange, intervalMs: number): { a: number; b: number; cuts: TimeRange[] } {
  let a = lowerBound(set.starts, set.n, tileStart(range.from, intervalMs));
  let b = lowerBound(set.starts, set.n, range.to);
  const cuts: TimeRange[] = [];
  if (a < b && !wholeOrCut(set, a, range, intervalMs, cuts)) a++;
  if (a < b && !wholeOrCut(set, b - 1, range, intervalMs, cuts)) b--;
  return { a, b, cuts };
}

/** True when tile i lies wholly inside the range; otherwise pushes the cut when the range edge splits its events. */
function wholeOrCut(set: TileSet, i: number, range: TimeRange, intervalMs: number, cuts: TimeRange[]): boolean {
  if (set.oldest[i] >= range.from && set.newest[i] < range.to) return true;
  if (set.newest[i] >= range.from && set.oldest[i] < range.to) {
    cuts.push({ from: Math.max(set.starts[i], range.from), to: Math.min(set.starts[i] + intervalMs, range.to) });
  }
  return false;
}

/**
 * The raw-event ranges a lookup at `t` needs for one entity's tiles (distinct, possibly
 * overlapping: callers merge them or keep an event once by id): at most two per window — in
 * practice the head tile (shared by every window) and each window's tail — and none when no window
 * edge cuts through a tile's events.
 */
export function edgeCuts(t: number, layout: TileLayout, set: TileSet): TimeRange[] {
  const cuts = new Map<string, TimeRange>();
  for (const w of layout.windowsMs) for (const r of windowTiles(set, windowRange(t, w), layout.intervalMs).cuts) cuts.set(`${r.from}:${r.to}`, r);
  return [...cuts.values()];
}

/** The partial of tiles [a, b) of one column: tight loops over the numbers, `merge` for the rest. */
function foldTiles(m: Measure, col: MeasureColumn, a: number, b: number): Partial {
  if (a >= b) return empty(m);
  switch (col.kind) {
    case 'num': {
      const v = col.a;
      if (m.function === 'count' || m.function === 'sum') {
        let s = 0;
        for (let i = a; i < b; i++) s += v[i];
        return s;
      }
      let best: number | null = null;
      for (let i = a; i < b; i++) {
        const x = v[i];
        if (!Number.isNaN(x) && (best === null || (m.function === 'min' ? x < best : x > best))) best = x;
      }
      return best;
    }
    case 'mean': {
      let s = 0;
      let c = 0;
      for (let i = a; i < b; i++) {
        s += col.s[i];
        c += col.c[i];
      }
      return [s, c];
    }
    case 'last': {
      let best = -1;
      for (let i = a; i < b; i++) {
        const ts = col.ts[i];
        if (Number.isNaN(ts)) continue;
        if (best < 0 || ts > col.ts[best] || (ts === col.ts[best] && laterFirst([ts, '', valueAt(col, i)], [ts, '', valueAt(col, best)]) < 0)) best = i;
      }
      return best < 0 ? null : ([col.ts[best], '', valueAt(col, best)] as Stamped);
    }
    case 'json': {
      let acc = empty(m);
      for (let i = a; i < b; i++) acc = merge(m, acc, col.p[i]);
      return acc;
    }
  }
}

const valueAt = (col: { nums?: Float64Array; vals?: Scalar[] }, i: number): Scalar => (col.nums ? col.nums[i] : col.vals![i]);

/**
 * The aggregates of one entity at lookup time `t` (docs/aggregations-online.md#lookup): per window
 * over (t − w, t], the merged partials of the tiles inside it and the raw events of the tiles its
 * edges cut, then each aggregation's final value. `newestTs` is the newest event time that any
 * window saw (the value's event timestamp; undefined when every window is empty).
 */
export function aggregateAt(t: number, layout: TileLayout, data: EntityTiles): { values: Record<string, unknown>; newestTs?: number } {
  const { measures, intervalMs, windowsMs } = layout;
  const set = data.tiles;
  const byWindow: Partial[][] = [];
  let newest = -Infinity;
  for (const w of windowsMs) {
    const { a, b, cuts } = windowTiles(set, windowRange(t, w), intervalMs);
    const acc: Partial[] = new Array(measures.length);
    for (let j = 0; j < measures.length; j++) acc[j] = foldTiles(measures[j], set.columns[j], a, b);
    // Tiles are disjoint and sorted: the last one holds the newest event.
    if (a < b && set.newest[b - 1] > newest) newest = set.newest[b - 1];
    for (const cut of cuts) {
      for (const e of data.events) {
        if (e.ts < cut.from || e.ts >= cut.to) continue;
        for (let j = 0; j < measures.length; j++) acc[j] = merge(measures[j], acc[j], ofEvent(measures[j], e));
        if (e.ts > newest) newest = e.ts;
      }
    }
    byWindow.push(acc);
  }
  const values: Record<string, unknown> = {};
  const { windowOf, measureOf } = servedBy(layout);
  layout.aggregations.forEach((a, k) => {
    values[a.name] = finalize(a.function, byWindow[windowOf[k]][measureOf[k]], a.n);
  });
  return { values, ...(Number.isFinite(newest) ? { newestTs: newest } : {}) };
}

const served = new WeakMap<TileLayout, { windowOf: number[]; measureOf: number[] }>();

/** Per aggregation of a layout: the index of its window and of its measure (computed once per layout). */
function servedBy(layout: TileLayout): { windowOf: number[]; measureOf: number[] } {
  let s = served.get(layout);
  if (!s) {
    s = {
      windowOf: layout.aggregations.map((a) => layout.windowsMs.indexOf(a.windowMs)),
      measureOf: layout.aggregations.map((a) => layout.measures.findIndex((m) => m.id === measureId(a.function, a.column))),
    };
    served.set(layout, s);
  }
  return s;
}
