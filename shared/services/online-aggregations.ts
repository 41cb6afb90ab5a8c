import type { EncodedRecord, ItemKey, OnlineRecord } from '../online/types.js';
import { aggregateAt } from '../online/tiles/window-merge.js';
import { tileLayoutOf } from '../online/tiles/view-layout.js';
import type { FeatureViewSpec } from '../registry/types.js';
import { DEFAULT_LIMITS } from '../util/limits.js';
import type { StoreContext } from './context.js';
import { tilesOf } from './push-tiles.js';

/**
 * The records of an online lookup: plain views from the online store (one batched read), aggregation
 * views merged from their tiles at the store's clock (docs/aggregations-online.md#lookup) — exactly the
 * aggregate over (now − window, now] that a training row at `now` gets offline. `readPlain` reads the
 * plain views' records (the caller's projected or encoded read). An aggregation record
 * always exists (an entity without events has count 0 and null sums, as offline); its event time is
 * the newest event any of its windows saw (0 when none).
 */
export async function readOnlineRecords(
  ctx: StoreContext,
  keys: readonly ItemKey[],
  views: readonly { key: string; view: FeatureViewSpec }[],
  readPlain: (keys: readonly ItemKey[]) => Promise<(OnlineRecord | EncodedRecord | undefined)[]> = (k) => ctx.online.read(k),
): Promise<(OnlineRecord | EncodedRecord | undefined)[]> {
  const aggregated = views.filter((v) => v.view.aggregation);
  if (!aggregated.length) return readPlain(keys);
  const tiled = new Set(aggregated.map((v) => v.key));
  const plainAt: number[] = [];
  const plain: ItemKey[] = [];
  for (const [i, k] of keys.entries()) {
    if (tiled.has(k.view)) continue;
    plainAt.push(i);
    plain.push(k);
  }
  const out: (OnlineRecord | EncodedRecord | undefined)[] = new Array(keys.length);
  const t = ctx.now().getTime();
  const skewMs = (ctx.limits ?? DEFAULT_LIMITS).maxClockSkewSeconds * 1000;
  await Promise.all([
    (async () => {
      if (!plain.length) return;
      const records = await readPlain(plain);
      for (const [j, at] of plainAt.entries()) out[at] = records[j];
    })(),
    ...aggregated.map(async ({ key, view }) => {
      const layout = tileLayoutOf(view, skewMs)!;
      const at = keys.flatMap((k, i) => (k.view === key ? [i] : []));
      const entities = [...new Set(at.map((i) => keys[i].entityKey))];
      const data = await tilesOf(ctx, view).read(key, layout, entities, t);
      const byEntity = new Map<string, OnlineRecord>();
      entities.forEach((e, j) => {
        const r = aggregateAt(t, layout, data[j]);
        byEntity.set(e, { values: r.values, eventTs: r.newestTs ?? 0, createdTs: 0 });
      });
      for (const i of at) out[i] = byEntity.get(keys[i].entityKey);
    }),
  ]);
  return out;
}
