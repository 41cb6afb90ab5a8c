import { emptyTile, finalize, type Measure, measureId, merge, ofEvent, type TiledAggregation, type TileEvent, type TilePartials } from './partials.js';
import { planReads, type TimeRange } from './tile-layout.js';

/** What the store returned for one entity: tiles by start, and the raw events of the planned ranges. */
export interface StoredTile {
  partials: TilePartials;
  /** Newest event time in the tile. */
  newestTs: number;
}

export interface EntityTiles {
  tiles: ReadonlyMap<number, StoredTile>;
  events: readonly TileEvent[];
}

const within = (ts: number, r: TimeRange) => ts >= r.from && ts < r.to;

/**
 * The aggregates of one entity at lookup time `t`: per window, the merged partials of its full tiles
 * and the raw events of its edges, then each aggregation's final value. `newestTs` is the newest
 * event time that any window saw (the value's event timestamp; undefined when every window is empty).
 */
export function aggregateAt(
  t: number,
  aggs: readonly TiledAggregation[],
  measures: readonly Measure[],
  intervalMs: number,
  data: EntityTiles,
): { values: Record<string, unknown>; newestTs?: number } {
  const windows = [...new Set(aggs.map((a) => a.windowMs))];
  const { plans } = planReads(t, windows, intervalMs);
  const byWindow = new Map<number, TilePartials>();
  let newest = -Infinity;
  windows.forEach((w, i) => {
    const plan = plans[i];
    // One accumulator per window, merged in place (a lookup merges up to window / interval tiles).
    const acc = emptyTile(measures);
    for (const [start, tile] of data.tiles) {
      if (start < plan.tiles.from || start >= plan.tiles.to) continue;
      for (const m of measures) {
        const p = tile.partials[m.id];
        if (p !== undefined) acc[m.id] = merge(m, acc[m.id], p);
      }
      if (tile.newestTs > newest) newest = tile.newestTs;
    }
    for (const e of data.events) {
      if (!plan.events.some((r) => within(e.ts, r))) continue;
      for (const m of measures) acc[m.id] = merge(m, acc[m.id], ofEvent(m, e));
      if (e.ts > newest) newest = e.ts;
    }
    byWindow.set(w, acc);
  });
  const values: Record<string, unknown> = {};
  for (const a of aggs) values[a.name] = finalize(a.function, byWindow.get(a.windowMs)![measureId(a.function, a.column)], a.n);
  return { values, ...(Number.isFinite(newest) ? { newestTs: newest } : {}) };
}
