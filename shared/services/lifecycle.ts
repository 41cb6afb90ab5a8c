import { ConflictError, NotFoundError } from '../errors.js';
import { parseVersionedViewRef, viewKey } from '../layout/view-ref.js';
import { consumersOf } from '../registry/consumers.js';
import type { RegistryStore } from '../registry/registry-store.js';
import type { FeatureViewSpec, MaterializationState } from '../registry/types.js';

/**
 * Marks a view version deprecated: still readable (with a warning) until deleted. Refused while a
 * feature service still references it, naming each one.
 */
export async function deprecateView(store: RegistryStore, ref: string, now: Date): Promise<{ view: string; status: 'deprecated' }> {
  const { name, version, key } = parseVersionedViewRef(ref);
  return store.update((current) => {
    const view = current?.featureViews[key];
    if (!current || !view) throw new NotFoundError('feature view', key);
    const users = consumersOf(current.featureServices, name, version);
    if (users.length) {
      throw new ConflictError(
        `cannot deprecate ${key}: feature service(s) ${users.join(', ')} still reference it; move them to another version and apply first`,
        { consumers: users },
      );
    }
    const next = structuredClone(current);
    next.featureViews[key].status = 'deprecated';
    next.lastUpdated = now.toISOString();
    return { next, result: { view: key, status: 'deprecated' as const } };
  });
}

/** Deletes a deprecated, unreferenced view version from the registry (its online rows go with it). */
export async function deleteViewVersion(store: RegistryStore, ref: string, now: Date): Promise<{ view: string }> {
  const { name, version, key } = parseVersionedViewRef(ref);
  return store.update((current) => {
    const view = current?.featureViews[key];
    if (!current || !view) throw new NotFoundError('feature view', key);
    if (view.status !== 'deprecated') throw new ConflictError(`cannot delete ${key}: deprecate it first (skewless deprecate ${key})`);
    const users = consumersOf(current.featureServices, name, version);
    if (users.length) throw new ConflictError(`cannot delete ${key}: referenced by ${users.join(', ')}`, { consumers: users });
    const next = structuredClone(current);
    delete next.featureViews[key];
    delete next.materializations[key];
    next.lastUpdated = now.toISOString();
    return { next, result: { view: key } };
  });
}

/**
 * Why `spec` is not ready to be served, or undefined when its online data covers its TTL: it must
 * have been written online, and a batch-fed version's materialized intervals must reach back one TTL
 * from their end (push-fed versions hold whatever was pushed since they were registered).
 */
export function promotionProblem(spec: FeatureViewSpec, state: MaterializationState | undefined, watermark: number | undefined): string | undefined {
  const key = viewKey(spec.name, spec.version);
  if (watermark === undefined) return `${key} has no online data yet: materialize it first (skewless materialize START END --views ${key})`;
  if (spec.source.kind !== 'FileSource' || !spec.ttlSeconds || !state?.intervals.length) return undefined;
  const start = Math.min(...state.intervals.map((i) => Date.parse(i.start)));
  const end = Math.max(...state.intervals.map((i) => Date.parse(i.end)));
  const needed = end - spec.ttlSeconds * 1000;
  if (start <= needed) return undefined;
  return `${key}'s online data starts at ${new Date(start).toISOString()}, less than its ttl (${spec.ttlSeconds} s) before ${new Date(end).toISOString()}: materialize from ${new Date(needed).toISOString()} first`;
}

/**
 * Makes an inactive version the one unversioned references and feature services read. Refused
 * (unless `force`) while `problem` says its online data does not cover its TTL.
 */
export async function promoteView(
  store: RegistryStore,
  ref: string,
  now: Date,
  check: (spec: FeatureViewSpec, state: MaterializationState | undefined) => string | undefined,
  force = false,
): Promise<{ view: string; status: 'active'; warning?: string }> {
  const { key } = parseVersionedViewRef(ref);
  return store.update((current) => {
    const view = current?.featureViews[key];
    if (!current || !view) throw new NotFoundError('feature view', key);
    if (view.status === 'active') throw new ConflictError(`${key} is already active`);
    const problem = check(view, current.materializations[key]);
    if (problem && !force)
      throw new ConflictError(`cannot promote ${problem}; or promote anyway with --force (its consumers will read NOT_FOUND where it has no data)`, {
        view: key,
      });
    const next = structuredClone(current);
    next.featureViews[key].status = 'active';
    next.lastUpdated = now.toISOString();
    return { next, result: { view: key, status: 'active' as const, ...(problem ? { warning: problem } : {}) } };
  });
}
