import { NotFoundError, ValidationError } from '../errors.js';
import { featureRef, parseFeatureRef, parseViewRef, viewKey } from '../layout/view-ref.js';
import type { FeatureServiceSpec, FeatureViewSpec, FieldSpec, OnDemandSpec, PushSourceSpec, RegistryData } from './types.js';

/** One view version and the features requested from it, in request order. */
export interface ViewRequest {
  key: string;
  view: FeatureViewSpec;
  features: FieldSpec[];
}

export interface OnDemandRequest {
  spec: OnDemandSpec;
  /** Requested outputs of the transformation. */
  features: FieldSpec[];
}

export interface ResolvedFeatures {
  /** Views to read; includes features only needed as inputs of on-demand views. */
  views: ViewRequest[];
  onDemand: OnDemandRequest[];
  /** Output names in request order, with the view they come from (`onDemand` for computed ones). */
  outputs: { view: string; feature: string; name: string; onDemand?: boolean }[];
  /** Request-time inputs of the on-demand views, supplied with the entity rows. */
  requestFields: { name: string; dtype: FieldSpec['dtype'] }[];
}

/** A registry map's own entry: user names such as `constructor` or `__proto__` never reach Object.prototype. */
function own<T>(map: Record<string, T> | undefined, name: string): T | undefined {
  return map && Object.hasOwn(map, name) ? map[name] : undefined;
}

/** Read-only queries over a registry document: the single place names from callers are checked. */
export class Registry {
  constructor(readonly data: RegistryData) {}

  views(): FeatureViewSpec[] {
    return Object.values(this.data.featureViews);
  }

  /** `name` → latest active version; `name@vN` → that version. */
  view(ref: string): FeatureViewSpec {
    const { name, version } = parseViewRef(ref);
    if (version !== undefined) {
      const v = own(this.data.featureViews, viewKey(name, version));
      if (!v) throw new NotFoundError('feature view', viewKey(name, version), this.versionsHint(name));
      return v;
    }
    const candidates = this.views().filter((v) => v.name === name);
    // Latest active; an inactive (not yet promoted) version only when nothing else exists.
    const rank = { active: 2, deprecated: 1, inactive: 0 } as const;
    const pick = candidates.sort((a, b) => rank[b.status] - rank[a.status] || b.version - a.version)[0];
    if (!pick) throw new NotFoundError('feature view', name);
    return pick;
  }

  /**
   * The version a pinned reference to `name@vN` reads: an inactive (not promoted) version is served
   * by the latest active version that has the same features (`sameType`: with the same dtypes).
   */
  servedVersion(name: string, version: number, features: readonly string[], sameType = false): number {
    const pinned = this.data.featureViews[viewKey(name, version)];
    if (pinned?.status !== 'inactive') return version;
    const has = (v: FeatureViewSpec, f: string) =>
      v.features.some((x) => x.name === f && (!sameType || x.dtype === pinned.features.find((p) => p.name === f)?.dtype));
    const active = this.views()
      .filter((v) => v.name === name && v.status === 'active' && features.every((f) => has(v, f)))
      .sort((a, b) => b.version - a.version)[0];
    return active ? active.version : version;
  }

  private versionsHint(name: string): string | undefined {
    const versions = this.views()
      .filter((v) => v.name === name)
      .map((v) => `v${v.version}`);
    return versions.length ? `registered versions: ${versions.join(', ')}` : undefined;
  }

  featureService(name: string): FeatureServiceSpec {
    const s = typeof name === 'string' ? own(this.data.featureServices, name) : undefined;
    if (!s) throw new NotFoundError('feature service', String(name));
    return s;
  }

  pushSource(name: string): PushSourceSpec {
    const s = typeof name === 'string' ? own(this.data.dataSources, name) : undefined;
    if (s?.kind !== 'PushSource') throw new NotFoundError('push source', String(name));
    return s;
  }

  /** Views fed by a push source (all registered versions that are active or deprecated). */
  viewsOfPushSource(name: string): FeatureViewSpec[] {
    this.pushSource(name);
    return this.views().filter((v) => v.source.kind === 'PushSource' && v.source.name === name);
  }

  private readonly resolved = new Map<string, ResolvedFeatures>();
  // The last call's references (a copy) and answer: a serving loop asks for the same list request
  // after request, and comparing it costs less than joining it into a memo key (~1 KB per request).
  private last?: { refs: readonly string[]; fullFeatureNames: boolean; hit: ResolvedFeatures };

  /** Resolves `view:feature` / `view@vN:feature` references, keeping request order (memoized: the registry is immutable). */
  resolveRefs(refs: readonly string[], fullFeatureNames = false): ResolvedFeatures {
    const last = this.last;
    if (last && last.fullFeatureNames === fullFeatureNames && sameStrings(last.refs, refs)) return last.hit;
    // JSON, not a join: a reference holding the separator cannot pass for two references.
    const memoKey = `${fullFeatureNames ? 1 : 0}${JSON.stringify(refs)}`;
    let hit = this.resolved.get(memoKey);
    if (!hit) {
      hit = this.resolveUncached(refs, fullFeatureNames);
      if (this.resolved.size > 1000) this.resolved.clear();
      this.resolved.set(memoKey, hit);
    }
    this.last = { refs: [...refs], fullFeatureNames, hit };
    return hit;
  }

  onDemandView(name: string): OnDemandSpec | undefined {
    return own(this.data.onDemandFeatureViews, name);
  }

  private resolveUncached(refs: readonly string[], fullFeatureNames: boolean): ResolvedFeatures {
    if (!refs.length) throw new ValidationError('no features requested', [{ field: 'features', message: 'expected at least one feature reference' }]);
    const byKey = new Map<string, ViewRequest>();
    const onDemand = new Map<string, OnDemandRequest>();
    const outputs: ResolvedFeatures['outputs'] = [];
    const want = (view: FeatureViewSpec, field: FieldSpec): boolean => {
      const key = viewKey(view.name, view.version);
      const req = byKey.get(key) ?? { key, view, features: [] };
      byKey.set(key, req);
      if (req.features.includes(field)) return false;
      req.features.push(field);
      return true;
    };
    refs.forEach((ref, i) => {
      const { name, version, feature } = parseFeatureRef(ref, i);
      const odfv = version !== undefined ? undefined : this.onDemandView(name);
      if (odfv) {
        const field = odfv.features.find((f) => f.name === feature);
        if (!field) throw new NotFoundError('feature', `${name}:${feature}`, `'${name}' has ${odfv.features.map((f) => f.name).join(', ')}`);
        const req = onDemand.get(name) ?? { spec: odfv, features: [] };
        onDemand.set(name, req);
        if (req.features.includes(field)) return;
        req.features.push(field);
        outputs.push({ view: name, feature, name: fullFeatureNames ? `${name}__${feature}` : feature, onDemand: true });
        return;
      }
      const view = this.view(version !== undefined ? viewKey(name, version) : name);
      const key = viewKey(view.name, view.version);
      const field = view.features.find((f) => f.name === feature);
      if (!field) throw new NotFoundError('feature', `${key}:${feature}`, `'${key}' has ${view.features.map((f) => f.name).join(', ')}`);
      if (want(view, field)) outputs.push({ view: key, feature, name: fullFeatureNames ? `${view.name}__${feature}` : feature });
    });
    // Inputs of on-demand views are read too, without becoming outputs.
    const requestFields = new Map<string, { name: string; dtype: FieldSpec['dtype'] }>();
    for (const { spec } of onDemand.values()) {
      for (const input of spec.inputs) {
        if (input.kind === 'request') {
          for (const f of input.features) requestFields.set(f.name, f);
          continue;
        }
        const view = this.view(
          viewKey(
            input.name,
            this.servedVersion(
              input.name,
              input.version!,
              input.features.map((f) => f.name),
              true,
            ),
          ),
        );
        for (const f of input.features) want(view, view.features.find((x) => x.name === f.name)!);
      }
    }
    return { views: [...byKey.values()], onDemand: [...onDemand.values()], outputs, requestFields: [...requestFields.values()] };
  }

  /** The pinned references of a feature service. */
  serviceRefs(name: string): string[] {
    return this.featureService(name).projections.flatMap((p) => {
      const version = p.onDemand ? 0 : this.servedVersion(p.view, p.version, p.features);
      return p.features.map((f) => featureRef(p.view, f, p.onDemand ? undefined : version));
    });
  }
}

/** Two lists of the same strings in the same order. */
function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
