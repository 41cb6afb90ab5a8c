import type { FeatureServiceSpec } from './types.js';

/**
 * The feature services that read a view version, by name and sorted: what `plan` lists as affected
 * by a change and what deprecate / delete refuse to strand.
 */
export function consumersOf(services: Record<string, FeatureServiceSpec>, view: string, version: number): string[] {
  return Object.values(services)
    .filter((s) => s.projections.some((p) => p.view === view && p.version === version))
    .map((s) => s.name)
    .sort();
}
