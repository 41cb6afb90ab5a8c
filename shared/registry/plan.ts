import { ConflictError } from '../errors.js';
import { classifyViewChanges, type ClassifiedChange } from './compatibility.js';
import { consumersOf } from './consumers.js';
import { diffJson } from './diff.js';
import { parseVersionedViewRef, viewKey } from '../layout/view-ref.js';
import type { FeatureServiceSpec, OnDemandSpec, RegistryData, RepoSpecs } from './types.js';

export type ObjectType = 'entity' | 'data source' | 'feature view' | 'on demand feature view' | 'feature service';

export interface PlannedChange {
  op: 'Created' | 'Updated' | 'Deleted';
  type: ObjectType;
  name: string;
  properties: ClassifiedChange[];
  breaking: boolean;
  /** Feature services that read this object (for views). */
  consumers: string[];
  note?: string;
}

export interface Plan {
  changes: PlannedChange[];
  /** The registry as it will be after apply. */
  next: RegistryData;
}

export interface PlanOptions {
  /** When true (programmatic apply of some objects), nothing absent from `specs` is deleted. */
  partial?: boolean;
  /** When true (`apply --promote`), a new version is active at once instead of waiting for `promote`. */
  promote?: boolean;
}

/**
 * Lists of named things keyed by name, so a diff says which input, feature or projection changed
 * (`projections.user_realtime@v1: "a, b" -> "a"`) instead of printing both whole arrays.
 */
function readable(type: ObjectType, spec: unknown): unknown {
  if (!spec || typeof spec !== 'object') return spec;
  const fields = (fs: { name: string; dtype: string }[]) => Object.fromEntries(fs.map((f) => [f.name, f.dtype]));
  if (type === 'on demand feature view') {
    const o = spec as OnDemandSpec;
    return {
      ...o,
      inputs: Object.fromEntries(o.inputs.map((i) => [i.kind === 'request' ? `request:${i.name}` : viewKey(i.name, i.version!), fields(i.features)])),
      features: Object.fromEntries(o.features.map((f) => [f.name, { ...f, name: undefined }])),
    };
  }
  if (type === 'feature service') {
    const s = spec as FeatureServiceSpec;
    return { ...s, projections: Object.fromEntries(s.projections.map((p) => [p.onDemand ? p.view : viewKey(p.view, p.version), p.features.join(', ')])) };
  }
  return spec;
}

function plainChanges<T>(type: ObjectType, current: Record<string, T>, wanted: Map<string, T>, partial: boolean): PlannedChange[] {
  const out: PlannedChange[] = [];
  for (const [name, spec] of wanted) {
    const old = current[name];
    if (old === undefined) out.push({ op: 'Created', type, name, properties: [], breaking: false, consumers: [] });
    else {
      const props = diffJson(readable(type, old), readable(type, spec)).map((c) => ({ ...c, breaking: false, reason: 'changed' }));
      if (props.length) out.push({ op: 'Updated', type, name, properties: props, breaking: false, consumers: [] });
    }
  }
  if (!partial) {
    for (const name of Object.keys(current)) {
      if (!wanted.has(name)) out.push({ op: 'Deleted', type, name, properties: [], breaking: false, consumers: [] });
    }
  }
  return out;
}

/**
 * Computes what `apply` would change, Feast-style, without changing anything. Older versions of a
 * view that the repo still declares under a newer version are kept: versions coexist until deleted.
 */
export function planApply(current: RegistryData, specs: RepoSpecs, options: PlanOptions = {}): Plan {
  const partial = options.partial ?? false;
  const next: RegistryData = structuredClone(current);
  const changes: PlannedChange[] = [];

  const entities = new Map(specs.entities.map((e) => [e.name, e]));
  changes.push(...plainChanges('entity', current.entities, entities, partial));
  const sources = new Map(specs.dataSources.map((s) => [s.name, s]));
  changes.push(...plainChanges('data source', current.dataSources, sources, partial));

  const repoNames = new Set(specs.featureViews.map((v) => v.name));
  for (const view of specs.featureViews) {
    const key = viewKey(view.name, view.version);
    const old = current.featureViews[key];
    const consumers = consumersOf(current.featureServices, view.name, view.version);
    if (!old) {
      const older = Object.values(current.featureViews).filter((v) => v.name === view.name && v.version < view.version);
      const served = older.filter((v) => v.status === 'active').map((v) => `v${v.version}`);
      // Consumers keep the version they read until the new one has data and is promoted.
      const inactive = served.length > 0 && !options.promote;
      const list = (xs: string[]) => `${xs.join(', ')} ${xs.length > 1 ? 'stay' : 'stays'}`;
      const note = inactive
        ? `new version, inactive until \`skewless promote ${key}\`: ${list([served.at(-1)!])} served to \`${view.name}:feature\` references and feature services; materialize ${key} first`
        : older.length
          ? `new version${options.promote && served.length ? ', promoted' : ''}; ${list(older.map((v) => `v${v.version}`))} readable until deprecated and deleted`
          : undefined;
      changes.push({ op: 'Created', type: 'feature view', name: key, properties: [], breaking: false, consumers, ...(note ? { note } : {}) });
      next.featureViews[key] = inactive ? { ...view, status: 'inactive' } : view;
      continue;
    }
    const props = classifyViewChanges(old, view);
    if (props.length) {
      changes.push({ op: 'Updated', type: 'feature view', name: key, properties: props, breaking: props.some((p) => p.breaking), consumers });
    }
    next.featureViews[key] = { ...view, status: old.status };
  }
  if (!partial) {
    for (const [key, v] of Object.entries(current.featureViews)) {
      if (!repoNames.has(v.name)) {
        changes.push({
          op: 'Deleted',
          type: 'feature view',
          name: key,
          properties: [],
          breaking: true,
          consumers: consumersOf(current.featureServices, v.name, v.version),
        });
        delete next.featureViews[key];
        delete next.materializations[key];
      }
    }
  }

  const onDemand = new Map(specs.onDemandFeatureViews.map((o) => [o.name, o]));
  changes.push(...plainChanges('on demand feature view', current.onDemandFeatureViews ?? {}, onDemand, partial));
  next.onDemandFeatureViews ??= {};
  const services = new Map(specs.featureServices.map((s) => [s.name, s]));
  changes.push(...plainChanges('feature service', current.featureServices, services, partial));

  for (const c of changes) {
    if (c.type === 'entity') c.op === 'Deleted' ? delete next.entities[c.name] : (next.entities[c.name] = entities.get(c.name)!);
    if (c.type === 'data source') c.op === 'Deleted' ? delete next.dataSources[c.name] : (next.dataSources[c.name] = sources.get(c.name)!);
    if (c.type === 'on demand feature view')
      c.op === 'Deleted' ? delete next.onDemandFeatureViews[c.name] : (next.onDemandFeatureViews[c.name] = onDemand.get(c.name)!);
    if (c.type === 'feature service') c.op === 'Deleted' ? delete next.featureServices[c.name] : (next.featureServices[c.name] = services.get(c.name)!);
  }
  return { changes, next };
}

/** Refuses a plan with breaking changes to a live version, showing how to register a new one. */
export function assertNoBreakingChanges(plan: Plan): void {
  const breaking = plan.changes.filter((c) => c.op === 'Updated' && c.breaking);
  if (!breaking.length) return;
  const lines = breaking.map((c) => {
    const { name, version: v } = parseVersionedViewRef(c.name);
    const reasons = c.properties
      .filter((p) => p.breaking)
      .map((p) => p.reason)
      .join('; ');
    return `feature view ${c.name}: ${reasons}. Register it as a new version instead: set \`version: ${v + 1}\` in FeatureView '${name}' (v${v} stays served until you materialize and \`skewless promote ${viewKey(name, v + 1)}\`)${c.consumers.length ? `; consumers: ${c.consumers.join(', ')}` : ''}`;
  });
  throw new ConflictError(`breaking change refused:\n${lines.join('\n')}`, { changes: breaking });
}

/** Feast-style text: `Created feature view x`, `  property: old -> new`, or `No changes`. */
export function formatPlan(plan: Plan): string {
  if (!plan.changes.length) return 'No changes to registry';
  const fmt = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return plan.changes
    .map((c) => {
      const lines = [`${c.op} ${c.type} ${c.name}${c.note ? ` (${c.note})` : ''}`];
      for (const p of c.properties) {
        const tag = c.type === 'feature view' ? `  [${p.breaking ? 'BREAKING' : 'compatible'}: ${p.reason}]` : '';
        lines.push(`  ${p.path}: ${fmt(p.old)} -> ${fmt(p.new)}${tag}`);
      }
      if (c.type === 'feature view' && c.consumers.length) lines.push(`  consumers affected: ${c.consumers.join(', ')}`);
      return lines.join('\n');
    })
    .join('\n');
}
