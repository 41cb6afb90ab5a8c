import { createHash } from 'node:crypto';
import type { DType } from '../definitions/dtypes.js';
import { jsonKind, type JsonKind } from '../definitions/type-map.js';
import type { Registry } from '../registry/registry.js';

/** One named, typed column of a service's contract. */
export interface SchemaColumn {
  readonly name: string;
  readonly dtype: DType;
  readonly kind: JsonKind;
  readonly array: boolean;
  /** Where a feature comes from (`view@vN`, or the on-demand view's name); not part of the hash. */
  readonly source?: string;
}

/**
 * What a client of a feature service depends on: the entity and request-data columns it sends and
 * the features it gets back, in response order. The hash covers exactly these names and dtypes
 * (not versions, owners or descriptions), so a new view version with the same features keeps
 * generated clients valid and a renamed or retyped feature does not.
 */
export interface ServiceSchema {
  readonly name: string;
  readonly fullFeatureNames: boolean;
  readonly entities: readonly SchemaColumn[];
  readonly request: readonly SchemaColumn[];
  readonly features: readonly SchemaColumn[];
  /** Pinned version of every view the service reads (on-demand views are not versioned). */
  readonly pinned: Readonly<Record<string, number>>;
}

const column = (name: string, dtype: DType): SchemaColumn => ({ name, dtype, ...jsonKind(dtype) });

/** The contract of one feature service as the server resolves it (the same `resolveRefs` call the lookup makes). */
export function serviceSchema(registry: Registry, service: string, fullFeatureNames = false): ServiceSchema {
  const spec = registry.featureService(service);
  const resolved = registry.resolveRefs(registry.serviceRefs(service), fullFeatureNames);
  const entities = new Map<string, SchemaColumn>();
  for (const v of resolved.views) for (const k of v.view.joinKeys) if (!entities.has(k.name)) entities.set(k.name, column(k.name, k.valueType));
  const features = resolved.outputs.map((o) => {
    const fields = o.onDemand ? registry.onDemandView(o.view)!.features : resolved.views.find((v) => v.key === o.view)!.view.features;
    return { ...column(o.name, fields.find((f) => f.name === o.feature)!.dtype), source: o.view };
  });
  const pinned: Record<string, number> = {};
  for (const p of spec.projections) if (!p.onDemand) pinned[p.view] = p.version;
  return {
    name: service,
    fullFeatureNames,
    entities: [...entities.values()],
    request: resolved.requestFields.map((f) => column(f.name, f.dtype)),
    features,
    pinned,
  };
}

/** The canonical text the hash is taken of: names and dtypes in order, nothing else. */
export function canonicalSchema(s: Pick<ServiceSchema, 'name' | 'fullFeatureNames' | 'entities' | 'request' | 'features'>): string {
  const cols = (c: readonly SchemaColumn[]) => c.map((x) => [x.name, x.dtype]);
  return JSON.stringify([s.name, s.fullFeatureNames, cols(s.entities), cols(s.request), cols(s.features)]);
}

/** SHA-256 of the canonical schema, first 16 hex digits: what clients send in `x-skewless-schema-hash`. */
export function schemaHash(s: Pick<ServiceSchema, 'name' | 'fullFeatureNames' | 'entities' | 'request' | 'features'>): string {
  return createHash('sha256').update(canonicalSchema(s)).digest('hex').slice(0, 16);
}

/** The header a generated client sends its schema hash in. */
export const SCHEMA_HASH_HEADER = 'x-skewless-schema-hash';
