import { ValidationError } from '../errors.js';

/**
 * The one spelling of view versions and references (docs/architecture.md#storage-layouts): the
 * registry keys views by `view@vN`, the online table sorts by it, metrics and alarms are
 * dimensioned by it, and callers name features as `view:feature` or `view@vN:feature`. Every
 * string of these forms is built by `viewKey` / `featureRef` and read by `parseRef` alone.
 */

// Names as the DSL allows them (shared/definitions/schemas.ts), without its length bound: an
// over-long name is reported as unknown by the registry, not as a malformed reference.
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const REF = new RegExp(`^(${IDENT})(?:@v(\\d+))?(?::(${IDENT}))?$`);

/** A parsed reference: `version` absent for `view`, `feature` absent for a view reference. */
export interface Ref {
  name: string;
  version?: number;
  feature?: string;
}

/** `view@vN`: the key of a view version in the registry, the online table and metrics. */
export function viewKey(name: string, version: number): string {
  return `${name}@v${version}`;
}

/** `view:feature` or `view@vN:feature`. */
export function featureRef(view: string, feature: string, version?: number): string {
  return `${version === undefined ? view : viewKey(view, version)}:${feature}`;
}

/** Any reference form, or undefined when `ref` is none of them (callers say which form they expected). */
export function parseRef(ref: unknown): Ref | undefined {
  const m = typeof ref === 'string' ? REF.exec(ref) : null;
  if (!m) return undefined;
  const [, name, version, feature] = m;
  return { name, ...(version !== undefined ? { version: Number(version) } : {}), ...(feature !== undefined ? { feature } : {}) };
}

/** `view` or `view@vN` (a feature view, latest active or pinned). */
export function parseViewRef(ref: string): { name: string; version?: number } {
  const r = parseRef(ref);
  if (!r || r.feature !== undefined)
    throw new ValidationError(`invalid feature view reference '${ref}': expected 'view' or 'view@vN'`, [{ field: 'feature_view', message: `got '${ref}'` }]);
  return r.version === undefined ? { name: r.name } : { name: r.name, version: r.version };
}

/** `view@vN` only (lifecycle verbs act on one version); `key` is its canonical spelling. */
export function parseVersionedViewRef(ref: string): { name: string; version: number; key: string } {
  const r = parseRef(ref);
  if (!r || r.version === undefined || r.feature !== undefined)
    throw new ValidationError(`expected VIEW@vN, got '${ref}'`, [
      { field: 'feature_view', message: 'a versioned reference such as user_activity@v1 is required' },
    ]);
  return { name: r.name, version: r.version, key: viewKey(r.name, r.version) };
}

/** `view:feature` or `view@vN:feature`; `row` is the reference's position in the request. */
export function parseFeatureRef(ref: unknown, row?: number): { name: string; version?: number; feature: string } {
  const r = parseRef(ref);
  if (!r || r.feature === undefined) {
    throw new ValidationError(`invalid feature reference '${String(ref)}': expected 'view:feature' or 'view@vN:feature'`, [
      { ...(row !== undefined ? { row } : {}), field: 'features', message: `got '${String(ref)}'` },
    ]);
  }
  return { name: r.name, ...(r.version !== undefined ? { version: r.version } : {}), feature: r.feature };
}
