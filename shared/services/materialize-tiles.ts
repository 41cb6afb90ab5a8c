import type { ChunkResult, MaterializationChunk, MaterializationRun } from '../offline/materialization-source.js';
import { batchSourceSpec } from '../offline/source-node.js';
import { entityKey } from '../online/entity-key.js';
import { tileStart } from '../online/tiles/tile-layout.js';
import type { TileWrite } from '../online/tiles/types.js';
import { tileEventOf, tileLayoutOf } from '../online/tiles/view-layout.js';
import type { FeatureViewSpec } from '../registry/types.js';
import { DEFAULT_LIMITS } from '../util/limits.js';
import type { StoreContext } from './context.js';
import { tilesOf } from './push-tiles.js';

const BATCH = 2000;

const byTileOrder = (a: TileWrite, b: TileWrite) =>
  a.entityKey < b.entityKey ? -1 : a.entityKey > b.entityKey ? 1 : a.event.ts - b.event.ts || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0);

/**
 * Backfill of an aggregation view (docs/aggregations-online.md#backfill): one materialization chunk's
 * events in [start, end) folded into tiles. It runs inside the materialization run, so it is planned,
 * chunked, checkpointed and resumed like any materialization (a redone chunk changes nothing: event
 * ids dedupe), and `finishRun` moves the watermark. The events are the offline store's distinct
 * events (`readEventsFrom`, DuckDB locally and Athena on aws): the very rows the aggregation join
 * reads for training, so an event with a null in any event column is folded in too.
 */
export async function runTileChunk(
  ctx: StoreContext,
  run: MaterializationRun,
  view: FeatureViewSpec,
  chunk: MaterializationChunk,
  progress?: (rows: number) => void,
): Promise<ChunkResult> {
  const layout = tileLayoutOf(view, (ctx.limits ?? DEFAULT_LIMITS).maxClockSkewSeconds * 1000)!;
  const ts = batchSourceSpec(view).timestampField;
  const tiles = tilesOf(ctx, view);
  const now = ctx.now();
  const result: ChunkResult = { rows: 0, written: 0, skipped: 0, maxEventTs: null };
  let pending: TileWrite[] = [];
  const flush = async () => {
    // Each tile folds its new events in (event time, id) order, the order a tile rebuilt from its
    // stored events (DynamoDB) sums them in: float sums then agree to the last bit across providers.
    pending.sort(byTileOrder);
    const r = await tiles.write(run.view, layout, pending, now);
    result.rows += pending.length;
    result.written += r.written;
    result.skipped += r.duplicates + r.expired;
    progress?.(pending.length);
    pending = [];
  };
  // Events no window can reach at `now` would only be counted as expired: they are not read at all.
  const retained = tileStart(now.getTime() - layout.maxWindowMs - layout.skewMs, layout.intervalMs) - layout.intervalMs;
  const start = new Date(Math.max(Date.parse(run.start), retained));
  const end = new Date(run.end);
  if (start >= end) return result;
  for await (const batch of ctx.offline.readEventsFrom(view, chunk.files, start, end)) {
    for (const r of batch) {
      const row = { ...r.keys, ...r.values, [ts]: r.eventTs };
      const t = r.eventTs.getTime();
      if (result.maxEventTs === null || t > result.maxEventTs) result.maxEventTs = t;
      pending.push({ entityKey: entityKey(view.joinKeys, row), event: tileEventOf(view, row, ts) });
      if (pending.length >= BATCH) await flush();
    }
  }
  if (pending.length) await flush();
  return result;
}
