import { ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import { entityKey } from '../online/entity-key.js';
import type { ItemKey } from '../online/types.js';
import type { Registry } from '../registry/registry.js';
import type { StoreContext } from './context.js';
import { implementationFor, requestColumns, runOnDemand } from './on-demand.js';
import { readOnlineRecords } from './online-aggregations.js';
import { columnsToRows, rowCount } from './rows.js';

export type FeatureStatus = 'PRESENT' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE' | 'NULL_VALUE';

export interface OnlineFeaturesRequest {
  features?: string[];
  featureService?: string;
  /** Column-oriented entity rows: `{ user_id: ['u1', 'u2'] }`. */
  entities: Record<string, unknown[]>;
  fullFeatureNames?: boolean;
}

/** Feast's column-oriented response: results[i] is column i, values[j] is entity row j; join keys first. */
export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[]; warnings?: string[] };
  results: { values: unknown[]; statuses: FeatureStatus[]; event_timestamps: string[] }[];
}

const EPOCH = '1970-01-01T00:00:00.000Z';

/** Resolves either a feature list or a feature service; exactly one must be given. */
export function resolveRequested(registry: Registry, features: string[] | undefined, service: string | undefined, fullNames: boolean) {
  if ((features?.length ?? 0) > 0 === (service !== undefined)) {
    throw new ValidationError('give either features or feature_service', [
      { field: 'features', message: 'exactly one of features / feature_service is required' },
    ]);
  }
  return registry.resolveRefs(service !== undefined ? registry.serviceRefs(service) : features!, fullNames);
}

/** A caller's own column only (`constructor`, `__proto__` … are never inherited). */
const own = (entities: Record<string, unknown[]>, name: string): unknown[] | undefined => (Object.hasOwn(entities, name) ? entities[name] : undefined);

/** Online lookup (docs/semantics.md#online-reads): one batched read for all (entity, view) items. */
export async function getOnlineFeatures(ctx: StoreContext, req: OnlineFeaturesRequest): Promise<OnlineFeaturesResponse> {
  const registry = await ctx.registry();
  const resolved = resolveRequested(registry, req.features, req.featureService, req.fullFeatureNames ?? false);
  const n = rowCount(req.entities, 'entities');
  const joinKeys = [...new Set(resolved.views.flatMap((v) => v.view.joinKeys.map((k) => k.name)))];
  const requestNames = resolved.requestFields.map((f) => f.name);
  for (const k of joinKeys) {
    if (!own(req.entities, k)) throw new ValidationError(`missing join key '${k}' in entities`, [{ field: `entities.${k}`, message: 'join key is required' }]);
  }
  for (const k of Object.keys(req.entities)) {
    if (!joinKeys.includes(k) && !requestNames.includes(k)) {
      throw new ValidationError(`unknown entity key '${k}': expected ${[...joinKeys, ...requestNames].join(', ')}`, [
        { field: `entities.${k}`, message: 'not a join key or request field of the requested features' },
      ]);
    }
  }
  const rows = columnsToRows(req.entities, 'entities', joinKeys);
  const keys: ItemKey[] = [];
  const slot = new Map<string, number[]>();
  resolved.views.forEach((v) => {
    const at = rows.map((r, j) => {
      keys.push({ entityKey: entityKey(v.view.joinKeys, r, j), view: v.key });
      return keys.length - 1;
    });
    slot.set(v.key, at);
  });
  const records = await readOnlineRecords(ctx, keys, resolved.views);
  // One timestamp string per record, not per (record, feature).
  const isoTs = records.map((r) => (r ? new Date(r.eventTs).toISOString() : EPOCH));
  const now = ctx.now().getTime();
  const views = new Map(resolved.views.map((v) => [v.key, v.view]));

  const results: OnlineFeaturesResponse['results'] = joinKeys.map((k) => ({
    values: rows.map((r) => r[k]),
    statuses: rows.map(() => 'PRESENT' as const),
    event_timestamps: rows.map(() => EPOCH),
  }));
  // Values as served (null when missing or past max age): the inputs of on-demand views.
  const served = (viewKeyName: string, feature: string, j: number): unknown => {
    const rec = records[slot.get(viewKeyName)![j]];
    if (!rec) return null;
    const view = views.get(viewKeyName)!;
    if (view.ttlSeconds > 0 && now - rec.eventTs > view.ttlSeconds * 1000) return null;
    return rec.values[feature] ?? null;
  };
  const computed = new Map<string, { values: Record<string, unknown[]>; ts: string[] }>();
  for (const { spec } of resolved.onDemand) {
    const impl = implementationFor(spec, ctx.transforms);
    const inputs = requestColumns(
      spec.inputs.filter((i) => i.kind === 'request').flatMap((i) => i.features),
      (name) => own(req.entities, name),
      n,
    );
    const inputKeys: string[] = [];
    for (const input of spec.inputs.filter((i) => i.kind === 'view')) {
      const key = viewKey(input.name, input.version!);
      inputKeys.push(key);
      for (const f of input.features) inputs[f.name] = rows.map((_, j) => served(key, f.name, j));
    }
    const ts = rows.map((_, j) => {
      const newest = Math.max(-Infinity, ...inputKeys.map((k) => records[slot.get(k)![j]]?.eventTs ?? -Infinity));
      return Number.isFinite(newest) ? new Date(newest).toISOString() : EPOCH;
    });
    computed.set(spec.name, { values: runOnDemand(spec, impl, inputs, n), ts });
  }

  for (const out of resolved.outputs) {
    if (out.onDemand) {
      const c = computed.get(out.view)!;
      const values = c.values[out.feature];
      results.push({ values, statuses: values.map((v) => (v === null ? 'NULL_VALUE' : 'PRESENT')), event_timestamps: c.ts });
      continue;
    }
    const view = views.get(out.view)!;
    const col: OnlineFeaturesResponse['results'][number] = { values: [], statuses: [], event_timestamps: [] };
    for (const i of slot.get(out.view)!) {
      const rec = records[i];
      if (!rec) {
        col.values.push(null), col.statuses.push('NOT_FOUND'), col.event_timestamps.push(EPOCH);
        continue;
      }
      const v = rec.values[out.feature];
      if (view.ttlSeconds > 0 && now - rec.eventTs > view.ttlSeconds * 1000) {
        col.values.push(null), col.statuses.push('OUTSIDE_MAX_AGE');
      } else if (v === null || v === undefined) {
        col.values.push(null), col.statuses.push('NULL_VALUE');
      } else col.values.push(v), col.statuses.push('PRESENT');
      col.event_timestamps.push(isoTs[i]);
    }
    results.push(col);
  }
  const deprecated = resolved.views.filter((v) => v.view.status === 'deprecated').map((v) => `${v.key} is deprecated: move consumers to a newer version`);
  return {
    metadata: { feature_names: [...joinKeys, ...resolved.outputs.map((o) => o.name)], ...(deprecated.length ? { warnings: deprecated } : {}) },
    results,
  };
}
