import type { Entity } from '../definitions/entity.js';
import type { FeatureService } from '../definitions/feature-service.js';
import type { FeatureView } from '../definitions/feature-view.js';
import type { OnDemandFeatureView } from '../definitions/on-demand-feature-view.js';
import type { RequestSource } from '../definitions/request-source.js';
import type { DataSource, FileSource } from '../definitions/sources.js';
import { viewKey } from '../layout/view-ref.js';
import type { DataSourceSpec, EntitySpec, FeatureServiceSpec, FeatureViewSpec, FileSourceSpec, OnDemandSpec, RepoSpecs } from './types.js';
import { DefinitionError } from '../errors.js';

/** Anything a feature repo module may export. */
export type Definition = Entity | FeatureView | FeatureService | DataSource | OnDemandFeatureView | RequestSource;

export function entitySpec(e: Entity): EntitySpec {
  return { name: e.name, joinKeys: [...e.joinKeys], valueType: e.valueType, description: e.description, tags: { ...e.tags }, owner: e.owner };
}

function fileSourceSpec(s: FileSource): FileSourceSpec {
  return {
    kind: 'FileSource',
    name: s.name,
    path: s.path,
    timestampField: s.timestampField,
    ...(s.createdTimestampColumn ? { createdTimestampColumn: s.createdTimestampColumn } : {}),
    fieldMapping: { ...s.fieldMapping },
    description: s.description,
    tags: { ...s.tags },
    owner: s.owner,
  };
}

export function sourceSpec(s: DataSource): DataSourceSpec {
  if (s.kind === 'FileSource') return fileSourceSpec(s);
  return { kind: 'PushSource', name: s.name, batchSource: fileSourceSpec(s.batchSource), description: s.description, tags: { ...s.tags }, owner: s.owner };
}

export function featureViewSpec(v: FeatureView): FeatureViewSpec {
  return {
    name: v.name,
    version: v.version,
    entities: v.entities.map((e) => e.name),
    joinKeys: v.entities.flatMap((e) => e.joinKeys.map((k) => ({ name: k, valueType: e.valueType }))),
    ttlSeconds: v.ttlSeconds,
    features: v.schema.map((f) => ({ name: f.name, dtype: f.dtype, description: f.description, tags: { ...f.tags } })),
    source: sourceSpec(v.source),
    online: v.online,
    description: v.description,
    tags: { ...v.tags },
    owner: v.owner,
    status: 'active',
    ...(v.isAggregation()
      ? {
          aggregation: {
            eventSchema: v.eventSchema.map((f) => ({ name: f.name, dtype: f.dtype })),
            aggregations: v.aggregations.map((a) => ({ ...a })),
            intervalSeconds: v.aggregationIntervalSeconds,
          },
        }
      : {}),
  };
}

export function onDemandSpec(o: OnDemandFeatureView): OnDemandSpec {
  return {
    name: o.name,
    inputs: o.inputs.map((i) => ({ ...i, features: i.features.map((f) => ({ ...f })) })),
    features: o.schema.map((f) => ({ name: f.name, dtype: f.dtype, description: f.description, tags: { ...f.tags } })),
    codeHash: o.codeHash,
    description: o.description,
    tags: { ...o.tags },
    owner: o.owner,
  };
}

export function featureServiceSpec(s: FeatureService): FeatureServiceSpec {
  return {
    name: s.name,
    projections: s.projections.map((p) =>
      p.view.kind === 'OnDemandFeatureView'
        ? { view: p.view.name, version: 0, features: [...p.features], onDemand: true }
        : { view: p.view.name, version: p.view.version, features: [...p.features] },
    ),
    description: s.description,
    tags: { ...s.tags },
    owner: s.owner,
  };
}

/**
 * Serializes a repo's definitions. Sources and entities reachable from views are included even
 * when not exported, so a repo only has to export its views and services.
 */
export function toRepoSpecs(definitions: Iterable<Definition>): RepoSpecs {
  const entities = new Map<string, EntitySpec>();
  const sources = new Map<string, DataSourceSpec>();
  const views = new Map<string, FeatureViewSpec>();
  const services = new Map<string, FeatureServiceSpec>();
  const onDemand = new Map<string, OnDemandSpec>();
  const addOnDemand = (o: OnDemandFeatureView) => {
    onDemand.set(o.name, onDemandSpec(o));
    o.views.forEach(addView);
  };
  // Two different sources under one name would silently replace each other (a FileSource named after
  // its path's last segment can take a PushSource's name), so a clash is refused, naming both kinds.
  const putSource = (s: DataSource) => {
    const spec = sourceSpec(s);
    const seen = sources.get(s.name);
    if (seen && JSON.stringify(seen) !== JSON.stringify(spec)) {
      const path = (x: DataSourceSpec) => (x.kind === 'FileSource' ? ` (path '${x.path}')` : '');
      throw new DefinitionError(
        s.kind,
        s.name,
        'name',
        `also the name of a different ${seen.kind}${path(seen)}; give one of them another name (a FileSource's default name is its path's last segment)`,
      );
    }
    sources.set(s.name, spec);
  };
  const addSource = (s: DataSource) => {
    putSource(s);
    if (s.kind === 'PushSource') putSource(s.batchSource);
  };
  const addView = (v: FeatureView) => {
    const key = viewKey(v.name, v.version);
    const spec = featureViewSpec(v);
    const seen = views.get(key);
    if (seen && JSON.stringify(seen) !== JSON.stringify(spec)) {
      throw new DefinitionError(
        'FeatureView',
        v.name,
        'name',
        `${key} is defined twice, differently; remove one or rename it (a changed schema is \`version: ${v.version + 1}\`)`,
      );
    }
    views.set(key, spec);
    for (const e of v.entities) entities.set(e.name, entitySpec(e));
    addSource(v.source);
  };
  for (const d of definitions) {
    if (d.kind === 'Entity') entities.set(d.name, entitySpec(d));
    else if (d.kind === 'FeatureView') addView(d);
    else if (d.kind === 'FeatureService') {
      services.set(d.name, featureServiceSpec(d));
      for (const p of d.projections) p.view.kind === 'OnDemandFeatureView' ? addOnDemand(p.view) : addView(p.view);
    } else if (d.kind === 'OnDemandFeatureView') addOnDemand(d);
    else if (d.kind === 'RequestSource') continue;
    else addSource(d);
  }
  // Feature references are `name:feature` whatever the kind, so the two kinds share one namespace.
  for (const o of onDemand.values()) {
    const view = [...views.values()].find((v) => v.name === o.name);
    if (view)
      throw new DefinitionError(
        'OnDemandFeatureView',
        o.name,
        'name',
        `feature view '${viewKey(view.name, view.version)}' has the same name; give one of them another name`,
      );
  }
  return {
    entities: [...entities.values()],
    dataSources: [...sources.values()],
    featureViews: [...views.values()],
    featureServices: [...services.values()],
    onDemandFeatureViews: [...onDemand.values()],
  };
}
