import { ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import { assertNoBreakingChanges, planApply, type Plan, type PlanOptions } from '../registry/plan.js';
import type { RegistryStore } from '../registry/registry-store.js';
import { emptyRegistry, type RegistryData, type RepoSpecs } from '../registry/types.js';

/** Feature services must reference registered view versions and features. */
function assertServicesResolve(next: RegistryData): void {
  for (const s of Object.values(next.featureServices)) {
    for (const p of s.projections) {
      if (p.onDemand) {
        const o = next.onDemandFeatureViews[p.view];
        if (!o)
          throw new ValidationError(`feature service '${s.name}' references on demand feature view ${p.view}, which is not registered`, [
            { field: `featureServices.${s.name}`, message: 'unknown on demand feature view' },
          ]);
        continue;
      }
      const v = next.featureViews[viewKey(p.view, p.version)];
      if (!v)
        throw new ValidationError(`feature service '${s.name}' references ${viewKey(p.view, p.version)}, which is not registered`, [
          { field: `featureServices.${s.name}`, message: 'unknown view version' },
        ]);
      const missing = p.features.filter((f) => !v.features.some((x) => x.name === f));
      if (missing.length)
        throw new ValidationError(`feature service '${s.name}' references unknown feature(s) ${missing.join(', ')} of ${viewKey(v.name, v.version)}`, [
          { field: `featureServices.${s.name}`, message: 'unknown feature' },
        ]);
    }
  }
}

export async function plan(store: RegistryStore, project: string, specs: RepoSpecs, options: PlanOptions = {}): Promise<Plan> {
  const current = (await store.read()) ?? emptyRegistry(project);
  const p = planApply(current, specs, options);
  assertServicesResolve(p.next);
  return p;
}

/**
 * Applies definitions atomically (read-modify-write inside the store's update, so concurrent
 * applies never lose each other's objects). Breaking changes to a live version are refused.
 */
export async function apply(store: RegistryStore, project: string, specs: RepoSpecs, now: Date, options: PlanOptions = {}): Promise<Plan> {
  return store.update((current) => {
    const p = planApply(current ?? emptyRegistry(project), specs, options);
    assertNoBreakingChanges(p);
    assertServicesResolve(p.next);
    p.next.lastUpdated = now.toISOString();
    return { next: p.next, result: p };
  });
}
