import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { RegistryStore } from '../registry/registry-store.js';
import { viewKey, type RegistryData } from '../registry/types.js';

function parseVersioned(ref: string): { name: string; version: number; key: string } {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)@v(\d+)$/.exec(ref);
  if (!m) throw new ValidationError(`expected VIEW@vN, got '${ref}'`, [{ field: 'feature_view', message: 'a versioned reference such as user_activity@v1 is required' }]);
  return { name: m[1], version: Number(m[2]), key: viewKey(m[1], Number(m[2])) };
}

function consumers(data: RegistryData, name: string, version: number): string[] {
  return Object.values(data.featureServices)
    .filter((s) => s.projections.some((p) => p.view === name && p.version === version))
    .map((s) => s.name)
    .sort();
}

/**
 * Marks a view version deprecated: still readable (with a warning) until deleted. Refused while a
 * feature service still references it, naming each one.
 */
export async function deprecateView(store: RegistryStore, ref: string, now: Date): Promise<{ view: string; status: 'deprecated' }> {
  const { name, version, key } = parseVersioned(ref);
  return store.update((current) => {
    const view = current?.featureViews[key];
    if (!current || !view) throw new NotFoundError('feature view', key);
    const users = consumers(current, name, version);
    if (users.length) {
      throw new ConflictError(`cannot deprecate ${key}: feature service(s) ${users.join(', ')} still reference it; move them to another version and apply first`, { consumers: users });
    }
    const next = structuredClone(current);
    next.featureViews[key].status = 'deprecated';
    next.lastUpdated = now.toISOString();
    return { next, result: { view: key, status: 'deprecated' as const } };
  });
}

/** Deletes a deprecated, unreferenced view version from the registry (its online rows go with it). */
export async function deleteViewVersion(store: RegistryStore, ref: string, now: Date): Promise<{ view: string }> {
  const { name, version, key } = parseVersioned(ref);
  return store.update((current) => {
    const view = current?.featureViews[key];
    if (!current || !view) throw new NotFoundError('feature view', key);
    if (view.status !== 'deprecated') throw new ConflictError(`cannot delete ${key}: deprecate it first (skewless deprecate ${key})`);
    const users = consumers(current, name, version);
    if (users.length) throw new ConflictError(`cannot delete ${key}: referenced by ${users.join(', ')}`, { consumers: users });
    const next = structuredClone(current);
    delete next.featureViews[key];
    delete next.materializations[key];
    next.lastUpdated = now.toISOString();
    return { next, result: { view: key } };
  });
}
