import type { FeatureViewSpec } from '../../registry/types.js';
import { eventId } from './event-id.js';
import { measuresOf, type TiledAggregation, type TileEvent } from './partials.js';
import type { TileLayout } from './types.js';

// Registry specs are immutable and cached by the registry: a lookup reuses the layout of its spec.
const layouts = new WeakMap<FeatureViewSpec, Map<number, TileLayout>>();

/** A view's tile layout from its registry spec (undefined for a plain view). */
export function tileLayoutOf(view: FeatureViewSpec, skewMs: number): TileLayout | undefined {
  if (!view.aggregation) return undefined;
  let bySkew = layouts.get(view);
  if (!bySkew) layouts.set(view, (bySkew = new Map()));
  let layout = bySkew.get(skewMs);
  if (!layout) bySkew.set(skewMs, (layout = buildLayout(view, skewMs)));
  return layout;
}

function buildLayout(view: FeatureViewSpec, skewMs: number): TileLayout {
  const spec = view.aggregation!;
  const aggregations: TiledAggregation[] = spec.aggregations.map((a) => ({
    name: a.name,
    ...(a.column !== undefined ? { column: a.column } : {}),
    function: a.function,
    windowMs: a.windowSeconds * 1000,
    ...(a.n !== undefined ? { n: a.n } : {}),
  }));
  const windowsMs = [...new Set(aggregations.map((a) => a.windowMs))];
  return {
    aggregations,
    measures: measuresOf(aggregations),
    intervalMs: spec.intervalSeconds * 1000,
    windowsMs,
    maxWindowMs: Math.max(...windowsMs),
    skewMs,
  };
}

/**
 * The tile event of one validated event row: its time, its id (a hash of the join keys, the event
 * time and every event column — not the created time, which a re-delivery may restamp) and the
 * event columns the aggregations read.
 */
export function tileEventOf(view: FeatureViewSpec, row: Record<string, unknown>, timestampField: string): TileEvent {
  const columns = view.aggregation!.eventSchema.map((c) => c.name);
  const identity: Record<string, unknown> = { [timestampField]: row[timestampField] };
  for (const k of view.joinKeys) identity[k.name] = row[k.name];
  const values: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c] ?? null;
    // As push validation types them: instants as RFC 3339, integers as numbers when exact (else decimal text).
    values[c] = v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()) : v;
    identity[c] = values[c];
  }
  const ts = row[timestampField];
  return { id: eventId(identity), ts: ts instanceof Date ? ts.getTime() : Number(ts), values };
}
