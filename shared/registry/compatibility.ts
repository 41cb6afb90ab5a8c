import type { FeatureViewSpec } from './types.js';
import { diffJson, type PropertyChange } from './diff.js';

export interface ClassifiedChange extends PropertyChange {
  breaking: boolean;
  reason: string;
}

/** Features keyed by name so a change reads `features.x.dtype` instead of an array index. */
function comparable(v: FeatureViewSpec): Record<string, unknown> {
  const { features, status: _status, aggregation, ...rest } = v;
  return {
    ...rest,
    features: Object.fromEntries(features.map((f) => [f.name, f])),
    // Keyed too, so adding an aggregation reads as one addition and a changed window as `aggregation.aggregations.x.windowSeconds`.
    ...(aggregation
      ? {
          aggregation: {
            intervalSeconds: aggregation.intervalSeconds,
            eventSchema: Object.fromEntries(aggregation.eventSchema.map((f) => [f.name, f])),
            aggregations: Object.fromEntries(aggregation.aggregations.map((a) => [a.name, a])),
          },
        }
      : {}),
  };
}

/**
 * Classifies each property change of one view version (docs/semantics.md#versioning): adding fields,
 * tags, descriptions, owner, TTL or the storage path is compatible; removing / retyping a field,
 * changing entities or join keys, or the source's timestamp semantics is breaking.
 */
export function classifyViewChanges(oldView: FeatureViewSpec, newView: FeatureViewSpec): ClassifiedChange[] {
  return diffJson(comparable(oldView), comparable(newView)).map((c) => ({ ...c, ...classify(c) }));
}

function classify(c: PropertyChange): { breaking: boolean; reason: string } {
  const p = c.path;
  const m = /^features\.([^.]+)(?:\.(\w+))?/.exec(p);
  if (m) {
    const [, field, prop] = m;
    if (!prop && c.old === undefined) return { breaking: false, reason: `adds field '${field}'` };
    if (!prop && c.new === undefined) return { breaking: true, reason: `removes field '${field}' that consumers read` };
    if (prop === 'dtype') return { breaking: true, reason: `retypes field '${field}'` };
    return { breaking: false, reason: `changes metadata of field '${field}'` };
  }
  const agg = /^aggregation(?:\.(\w+))?(?:\.([^.]+))?(?:\.(\w+))?/.exec(p);
  if (agg) return classifyAggregation(c, agg[1], agg[2], agg[3]);
  if (p === 'entities' || p === 'joinKeys') return { breaking: true, reason: 'changes the entities the view is keyed by' };
  if (/^source\.(batchSource\.)?(timestampField|createdTimestampColumn)$/.test(p)) {
    return { breaking: true, reason: "changes the source's timestamp semantics" };
  }
  if (/^source\.(batchSource\.)?fieldMapping/.test(p)) return { breaking: true, reason: 'changes which source column feeds a feature' };
  if (p === 'source.kind') return { breaking: true, reason: 'changes the kind of source' };
  if (p === 'online' && c.new === false) return { breaking: true, reason: 'stops online serving' };
  return { breaking: false, reason: 'metadata or storage change' };
}

/**
 * Aggregation views: adding an aggregation or an event column is compatible; changing what an
 * existing feature computes (column, function, window, n) or the tile size (online tiles are laid
 * out by it), retyping or removing an event column, or turning a view into / out of an aggregation
 * view is breaking.
 */
function classifyAggregation(c: PropertyChange, part?: string, name?: string, prop?: string): { breaking: boolean; reason: string } {
  if (!part)
    return {
      breaking: true,
      reason: c.old === undefined ? 'turns the view into an aggregation view' : 'turns the view from an aggregation view into a plain one',
    };
  if (part === 'intervalSeconds') return { breaking: true, reason: 'changes the aggregation interval (the online tiles are laid out by it)' };
  if (part === 'eventSchema') {
    if (!prop && c.old === undefined) return { breaking: false, reason: `adds event column '${name}'` };
    if (!prop && c.new === undefined) return { breaking: true, reason: `removes event column '${name}'` };
    return { breaking: true, reason: `retypes event column '${name}'` };
  }
  if (!prop && c.old === undefined) return { breaking: false, reason: `adds aggregation '${name}'` };
  if (!prop && c.new === undefined) return { breaking: true, reason: `removes aggregation '${name}' that consumers read` };
  return { breaking: true, reason: `changes the ${prop === 'windowSeconds' ? 'window' : prop} of aggregation '${name}'` };
}
