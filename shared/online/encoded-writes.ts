import { encodeValues } from './encode-values.js';
import { type EncodedWrites, isNewer } from './online-store.js';
import type { OnlineWrite } from './types.js';

/** Rows as a store that keeps JSON text writes them. */
export function encodeWrites(rows: readonly OnlineWrite[]): EncodedWrites {
  const out: EncodedWrites = { entityKeys: [], valuesJson: [], eventTs: [], createdTs: [] };
  for (const r of rows) {
    out.entityKeys.push(r.entityKey);
    out.valuesJson.push(encodeValues(r.values));
    out.eventTs.push(r.eventTs);
    out.createdTs.push(r.createdTs);
  }
  return out;
}

/**
 * An encoded batch as `write` applies it: only the newest row of each key (`isNewer`, as
 * `latestPerKey` in online-store.ts; the sort keeps batch order within a key), in
 * primary-key order so the upserts walk the index's pages once. A batch already strictly ascending
 * (materialization's rows usually come sorted from DuckDB) is returned as it is.
 */
export function newestEncoded(b: EncodedWrites): EncodedWrites {
  const keys = b.entityKeys;
  let ascending = true;
  for (let i = 1; ascending && i < keys.length; i++) ascending = keys[i - 1] < keys[i];
  if (ascending) return b;
  const order = keys.map((_, i) => i).sort((x, y) => (keys[x] < keys[y] ? -1 : keys[x] > keys[y] ? 1 : x - y));
  const out: EncodedWrites = { entityKeys: [], valuesJson: [], eventTs: [], createdTs: [] };
  for (let j = 0; j < order.length; ) {
    let best = order[j];
    let k = j + 1;
    for (; k < order.length && keys[order[k]] === keys[best]; k++) {
      const c = order[k];
      if (isNewer(b.eventTs[c], b.createdTs[c], b.eventTs[best], b.createdTs[best])) best = c;
    }
    out.entityKeys.push(keys[best]);
    out.valuesJson.push(b.valuesJson[best]);
    out.eventTs.push(b.eventTs[best]);
    out.createdTs.push(b.createdTs[best]);
    j = k;
  }
  return out;
}
