import type { Measure, TiledAggregation, TileEvent } from './partials.js';
import type { EntityTiles } from './window-merge.js';

/** How a view's tiles are laid out: its aggregations, their measures, the tile size and retention. */
export interface TileLayout {
  aggregations: readonly TiledAggregation[];
  measures: readonly Measure[];
  intervalMs: number;
  /** Distinct windows, in ms. */
  windowsMs: readonly number[];
  maxWindowMs: number;
  /** Clock-skew allowance: events up to this far past "now" are accepted, so they are kept this much longer. */
  skewMs: number;
}

/** One event to fold into the tiles of an entity. */
export interface TileWrite {
  entityKey: string;
  event: TileEvent;
}

export interface TileWriteResult {
  /** Events stored for the first time. */
  written: number;
  /** Events already stored (re-delivered): nothing changed. */
  duplicates: number;
  /** Events older than any window can reach at write time: not stored. */
  expired: number;
  /** Newest event time among the batch (epoch ms), if any. */
  newestTs?: number;
}

/**
 * Tiles of windowed aggregations (docs/aggregations-online.md): raw events keyed by event id (so a
 * re-delivered event changes nothing) and one partial aggregate per (entity, tile). SQLite and
 * DynamoDB implement it.
 */
export interface TileStore {
  write(view: string, layout: TileLayout, events: readonly TileWrite[], writtenAt: Date): Promise<TileWriteResult>;
  /** Per entity key (in order): the full tiles and edge events every window at `t` needs. */
  read(view: string, layout: TileLayout, entityKeys: readonly string[], t: number): Promise<EntityTiles[]>;
  deleteView(view: string): Promise<void>;
  close(): Promise<void>;
}
