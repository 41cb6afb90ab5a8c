import type { FeatureViewSpec } from '../registry/types.js';
import type { ViewRequest } from '../registry/registry.js';
import { seededRandom } from '../util/random.js';
import type { StoreContext } from './context.js';
import type { OnlineFeaturesRequest, OnlineFeaturesResponse } from './online-read.js';

/** The online lookup the audit compares with: the generic read, whatever stores serve the view. */
export type OnlineReader = (ctx: StoreContext, req: OnlineFeaturesRequest) => Promise<OnlineFeaturesResponse>;

export interface AggregationSample {
  entity: Record<string, unknown>;
  at: Date;
  online: Record<string, unknown>;
  /** The newest event time among the row's looked-up features (the epoch when none was found). */
  eventTimestamp: string;
}

/**
 * Samples of an aggregation view for the skew audit (docs/aggregations.md#skew-audit). Its online
 * values are not stored rows but aggregates a lookup computes at the store's clock, so the audit
 * samples entity keys with events in the longest window (seeded reservoir over the distinct keys the
 * offline store reads, on either engine), looks them up through the generic online read at `now`,
 * and the caller recomputes them offline at the same `now`.
 */
export async function sampleAggregationView(ctx: StoreContext, v: ViewRequest, n: number, seed: number, read: OnlineReader): Promise<AggregationSample[]> {
  const { view } = v;
  const now = ctx.now();
  const longest = Math.max(...(view.aggregation?.aggregations ?? []).map((a) => a.windowSeconds));
  // The view read as "its join keys only": the offline store's latest-per-key query over the events.
  const { aggregation: _, ...plain } = view;
  const keysOnly: FeatureViewSpec = { ...plain, features: [] };
  const rand = seededRandom(seed);
  const sample: Record<string, unknown>[] = [];
  let seen = 0;
  for await (const batch of ctx.offline.readLatest(keysOnly, new Date(now.getTime() - longest * 1000), new Date(now.getTime() + 1))) {
    for (const r of batch) {
      seen++;
      if (sample.length < n) sample.push(r.keys);
      else {
        const j = Math.floor(rand() * seen);
        if (j < n) sample[j] = r.keys;
      }
    }
  }
  if (!sample.length) return [];
  const joinKeys = view.joinKeys.map((k) => k.name);
  const response = await read(ctx, {
    features: v.features.map((f) => `${v.key}:${f.name}`),
    entities: Object.fromEntries(joinKeys.map((k) => [k, sample.map((s) => s[k])])),
  });
  const columns = response.results.slice(joinKeys.length);
  return sample.map((entity, i) => ({
    entity: Object.fromEntries(joinKeys.map((k) => [k, entity[k]])),
    at: now,
    online: Object.fromEntries(v.features.map((f, j) => [f.name, columns[j].values[i]])),
    eventTimestamp: new Date(Math.max(0, ...columns.map((c) => Date.parse(c.event_timestamps[i])).filter((t) => !Number.isNaN(t)))).toISOString(),
  }));
}
