/** One changed leaf between two JSON documents, addressed by a dotted path. */
export interface PropertyChange {
  path: string;
  old: unknown;
  new: unknown;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Leaf-level differences, sorted by path. Arrays compare as whole values. */
export function diffJson(oldValue: unknown, newValue: unknown, prefix = ''): PropertyChange[] {
  if (isObject(oldValue) && isObject(newValue)) {
    const keys = [...new Set([...Object.keys(oldValue), ...Object.keys(newValue)])].sort();
    return keys.flatMap((k) => diffJson(oldValue[k], newValue[k], prefix ? `${prefix}.${k}` : k));
  }
  if (JSON.stringify(oldValue) === JSON.stringify(newValue)) return [];
  return [{ path: prefix, old: oldValue, new: newValue }];
}
