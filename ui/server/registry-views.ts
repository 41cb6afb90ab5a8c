import { viewKey } from '../../shared/layout/view-ref.js';
import { classifyViewChanges } from '../../shared/registry/compatibility.js';
import { consumersOf } from '../../shared/registry/consumers.js';
import type { Registry } from '../../shared/registry/registry.js';
import type { DatasetSpec, FeatureServiceSpec, FeatureViewSpec, OnDemandSpec, RegistryData } from '../../shared/registry/types.js';
import { batchSourceSpec } from '../../shared/offline/source-node.js';

/** Read models of registry objects for the UI: plain JSON, shaped for the pages. */

export function viewSummary(versions: FeatureViewSpec[], registry: Registry) {
  const current = registry.view(versions[0].name);
  return {
    name: current.name,
    version: current.version,
    versions: versions.map((v) => ({ version: v.version, status: v.status })),
    entities: current.entities,
    features: current.features.length,
    ttlSeconds: current.ttlSeconds,
    owner: current.owner,
    tags: current.tags,
    description: current.description,
    online: current.online,
    source: current.source.name,
  };
}

/** Every view name with its versions, oldest version first. */
export function viewsByName(data: RegistryData): Map<string, FeatureViewSpec[]> {
  const byName = new Map<string, FeatureViewSpec[]>();
  for (const v of Object.values(data.featureViews)) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);
  for (const vs of byName.values()) vs.sort((a, b) => a.version - b.version);
  return new Map([...byName].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Search by name, tag (key or value) or owner; case-insensitive substring, every word must match. */
export function matchesView(v: FeatureViewSpec, q: string): boolean {
  const hay = [v.name, v.owner, v.description, ...Object.entries(v.tags).flatMap(([k, val]) => [k, val, `${k}=${val}`]), ...v.features.map((f) => f.name)]
    .join('\n')
    .toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

/** The change from one version to the next, classified as `plan` classifies an update. */
export function versionDiff(from: FeatureViewSpec, to: FeatureViewSpec) {
  const changes = classifyViewChanges(from, to);
  return { from: from.version, to: to.version, breaking: changes.some((c) => c.breaking), changes };
}

export function viewDetail(versions: FeatureViewSpec[], data: RegistryData, registry: Registry) {
  const current = registry.view(versions[0].name);
  const src = batchSourceSpec(current);
  return {
    ...viewSummary(versions, registry),
    joinKeys: current.joinKeys,
    schema: current.features,
    sourceDetail: {
      name: current.source.name,
      kind: current.source.kind,
      path: src.path,
      timestampField: src.timestampField,
      createdTimestampColumn: src.createdTimestampColumn ?? null,
      fieldMapping: src.fieldMapping,
      ...(current.source.kind === 'PushSource' ? { batchSource: src.name } : {}),
    },
    versionDetails: versions.map((v) => ({
      version: v.version,
      status: v.status,
      ttlSeconds: v.ttlSeconds,
      features: v.features,
      // An aggregation view's features are derived: what each computes, over which event columns.
      aggregation: v.aggregation ?? null,
      consumers: consumersOf(data.featureServices, v.name, v.version),
      materialization: data.materializations[viewKey(v.name, v.version)] ?? null,
    })),
    diffs: versions.slice(1).map((v, i) => versionDiff(versions[i], v)),
    onDemandConsumers: Object.values(data.onDemandFeatureViews)
      .filter((o) => o.inputs.some((i) => i.kind === 'view' && i.name === current.name))
      .map((o) => o.name)
      .sort(),
  };
}

export function serviceDetail(s: FeatureServiceSpec, data: RegistryData) {
  return {
    ...s,
    features: s.projections.flatMap((p) => p.features.map((f) => (p.onDemand ? `${p.view}:${f}` : `${viewKey(p.view, p.version)}:${f}`))),
    datasets: Object.values(data.datasets ?? {})
      .filter((d) => datasetServices(d, data).includes(s.name))
      .map((d) => d.name),
  };
}

export function onDemandDetail(o: OnDemandSpec, loadedHash: string | undefined, data: RegistryData) {
  const drift = loadedHash === undefined ? 'not_loaded' : loadedHash === o.codeHash ? 'in_sync' : 'drift';
  return {
    ...o,
    loadedCodeHash: loadedHash ?? null,
    drift,
    consumers: Object.values(data.featureServices)
      .filter((s) => s.projections.some((p) => p.onDemand && p.view === o.name))
      .map((s) => s.name)
      .sort(),
  };
}

/** The view name a dataset feature reference (`view:f`, `view@v2:f`, `view__f`) reads. */
function viewOfRef(ref: string): string {
  return ref.split(':')[0].split('@')[0].split('__')[0];
}

/** Services whose every feature the dataset holds: the dataset was (or could have been) built for them. */
export function datasetServices(d: DatasetSpec, data: RegistryData): string[] {
  const have = new Set(d.features.map((f) => `${viewOfRef(f)}:${f.split(':').at(-1)!.split('__').at(-1)}`));
  return Object.values(data.featureServices)
    .filter((s) => s.projections.length && s.projections.every((p) => p.features.every((f) => have.has(`${p.view}:${f}`))))
    .map((s) => s.name)
    .sort();
}

export interface LineageNode {
  id: string;
  kind: 'source' | 'view' | 'on_demand' | 'service' | 'dataset';
  name: string;
  /** The page that shows the object. */
  href: string;
  status?: string;
}

/** Sources → views → on-demand views → feature services → training datasets. */
export function lineage(data: RegistryData): { nodes: LineageNode[]; edges: { from: string; to: string }[] } {
  const nodes: LineageNode[] = [];
  const edges: { from: string; to: string }[] = [];
  const enc = encodeURIComponent;
  for (const s of Object.values(data.dataSources).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    nodes.push({ id: `source:${s.name}`, kind: 'source', name: s.name, href: `/sources/${enc(s.name)}` });
    if (s.kind === 'PushSource') edges.push({ from: `source:${s.batchSource.name}`, to: `source:${s.name}` });
  }
  for (const v of Object.values(data.featureViews).sort((a, b) => (a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1))) {
    const id = `view:${viewKey(v.name, v.version)}`;
    nodes.push({ id, kind: 'view', name: viewKey(v.name, v.version), href: `/feature-views/${enc(v.name)}?version=${v.version}`, status: v.status });
    edges.push({ from: `source:${v.source.name}`, to: id });
  }
  for (const o of Object.values(data.onDemandFeatureViews).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    nodes.push({ id: `on_demand:${o.name}`, kind: 'on_demand', name: o.name, href: `/on-demand-views/${enc(o.name)}` });
    for (const i of o.inputs) if (i.kind === 'view') edges.push({ from: `view:${viewKey(i.name, i.version!)}`, to: `on_demand:${o.name}` });
  }
  for (const s of Object.values(data.featureServices).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    nodes.push({ id: `service:${s.name}`, kind: 'service', name: s.name, href: `/feature-services/${enc(s.name)}` });
    for (const p of s.projections) edges.push({ from: p.onDemand ? `on_demand:${p.view}` : `view:${viewKey(p.view, p.version)}`, to: `service:${s.name}` });
  }
  for (const d of Object.values(data.datasets ?? {}).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    nodes.push({ id: `dataset:${d.name}`, kind: 'dataset', name: d.name, href: `/datasets/${enc(d.name)}` });
    const services = datasetServices(d, data);
    if (services.length) for (const s of services) edges.push({ from: `service:${s}`, to: `dataset:${d.name}` });
    else {
      const views = new Set(d.features.map(viewOfRef));
      for (const n of nodes) if (n.kind === 'view' && views.has(n.name.split('@')[0])) edges.push({ from: n.id, to: `dataset:${d.name}` });
    }
  }
  const ids = new Set(nodes.map((n) => n.id));
  return { nodes, edges: edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
}
