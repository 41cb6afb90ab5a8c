import type { FeatureViewSpec } from './types.js';
import { diffJson, type PropertyChange } from './diff.js';

export interface ClassifiedChange extends PropertyChange {
  breaking: boolean;
  reason: string;
}

/** Features keyed by name so a change reads `features.x.dtype` instead of an array index. */
function comparable(v: FeatureViewSpec): Record<string, unknown> {
  const { features, status: _status, ...rest } = v;
  return { ...rest, features: Object.fromEntries(features.map((f) => [f.name, f])) };
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
  if (p === 'entities' || p === 'joinKeys') return { breaking: true, reason: 'changes the entities the view is keyed by' };
  if (/^source\.(batchSource\.)?(timestampField|createdTimestampColumn)$/.test(p)) {
    return { breaking: true, reason: "changes the source's timestamp semantics" };
  }
  if (/^source\.(batchSource\.)?fieldMapping/.test(p)) return { breaking: true, reason: 'changes which source column feeds a feature' };
  if (p === 'source.kind') return { breaking: true, reason: 'changes the kind of source' };
  if (p === 'online' && c.new === false) return { breaking: true, reason: 'stops online serving' };
  return { breaking: false, reason: 'metadata or storage change' };
}
