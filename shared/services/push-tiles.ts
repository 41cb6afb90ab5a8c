import { UnsupportedError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import type { Row } from '../offline/offline-store.js';
import { batchSourceSpec } from '../offline/source-node.js';
import { entityKey } from '../online/entity-key.js';
import type { TileWrite } from '../online/tiles/types.js';
import { tileEventOf, tileLayoutOf } from '../online/tiles/view-layout.js';
import type { WriteResult } from '../online/types.js';
import type { FeatureViewSpec } from '../registry/types.js';
import { DEFAULT_LIMITS } from '../util/limits.js';
import type { StoreContext } from './context.js';

/** The tiles store, or a 400 naming the view when the provider has none. */
export function tilesOf(ctx: StoreContext, view: FeatureViewSpec) {
  if (!ctx.tiles) throw new UnsupportedError(`feature view '${view.name}' aggregates events online, which needs a tile store this provider does not supply`);
  return ctx.tiles;
}

/**
 * Folds validated event rows into the tiles of one aggregation view (docs/aggregations-online.md),
 * then advances the view's watermark to its newest event (freshness = age of the newest event).
 * Idempotent: a re-delivered row has the same event id and changes nothing (counted as skipped).
 */
export async function writeTiles(ctx: StoreContext, view: FeatureViewSpec, rows: readonly Row[], now: Date): Promise<{ view: string } & WriteResult> {
  const key = viewKey(view.name, view.version);
  const layout = tileLayoutOf(view, (ctx.limits ?? DEFAULT_LIMITS).maxClockSkewSeconds * 1000)!;
  const ts = batchSourceSpec(view).timestampField;
  const writes: TileWrite[] = rows.map((r, i) => ({ entityKey: entityKey(view.joinKeys, r, i), event: tileEventOf(view, r, ts) }));
  const r = await tilesOf(ctx, view).write(key, layout, writes, now);
  if (r.written > 0 && r.newestTs !== undefined) await ctx.online.recordWatermark(key, r.newestTs, now);
  return { view: key, written: r.written, skipped: r.duplicates + r.expired };
}
