import { toResponseJson } from './online-response-json.js';
import { ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import { entityKeyer } from '../online/entity-key.js';
import type { ItemKey } from '../online/types.js';
import type { Registry, ResolvedFeatures } from '../registry/registry.js';
import type { StoreContext } from './context.js';
import { implementationFor, requestColumns, runOnDemand } from './on-demand.js';
import { FoundRecord, type FeatureStatus, type Lookup, type LookupColumn, type OnlineFeaturesResponse, toResponse, type ViewRows } from './online-response.js';
import { readOnlineRecords } from './online-aggregations.js';
import { checkedColumns } from './rows.js';

export type { FeatureStatus, OnlineFeaturesResponse } from './online-response.js';

export interface OnlineFeaturesRequest {
  features?: string[];
  featureService?: string;
  /** Column-oriented entity rows: `{ user_id: ['u1', 'u2'] }`. */
  entities: Record<string, unknown[]>;
  fullFeatureNames?: boolean;
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

/** Online lookup (docs/semantics.md#online-reads): one batched read for all (entity, view) items. */
export async function getOnlineFeatures(ctx: StoreContext, req: OnlineFeaturesRequest): Promise<OnlineFeaturesResponse> {
  return toResponse(await lookup(ctx, req, false));
}

/**
 * The same lookup as `getOnlineFeatures`, answered as the UTF-8 JSON of its response, byte for byte
 * `JSON.stringify` of it: what the HTTP route sends. Stores that keep values as JSON text hand its
 * bytes over unparsed and numbers are copied, not parsed and formatted again.
 */
export async function getOnlineFeaturesJson(ctx: StoreContext, req: OnlineFeaturesRequest): Promise<Buffer> {
  return toResponseJson(await lookup(ctx, req, true));
}

/**
 * What a lookup needs that depends only on the resolved request, not on its entity rows: computed
 * once per distinct request (the registry memoizes `resolveRefs`, so the same features give the
 * same object) instead of on every call of a hot serving path.
 */
interface LookupPlan {
  joinKeys: string[];
  requestNames: string[];
  keyers: ((row: Record<string, unknown>, rowIndex?: number) => string)[];
  readOptions: { features?: Map<string, string[]> };
  featureNames: string[];
  warnings: string[];
}

const plans = new WeakMap<ResolvedFeatures, LookupPlan>();

function planOf(resolved: ResolvedFeatures): LookupPlan {
  let plan = plans.get(resolved);
  if (plan) return plan;
  const joinKeys = [...new Set(resolved.views.flatMap((v) => v.view.joinKeys.map((k) => k.name)))];
  // Only the requested features (and on-demand inputs) are read: DynamoDB projects them (docs/performance.md).
  // A view asked for whole is read whole: projecting to every feature saves nothing and costs the server a parse.
  const narrowed = resolved.views.filter((v) => v.features.length < v.view.features.length);
  plan = {
    joinKeys,
    requestNames: resolved.requestFields.map((f) => f.name),
    keyers: resolved.views.map((v) => entityKeyer(v.view.joinKeys)),
    readOptions: narrowed.length ? { features: new Map(narrowed.map((v) => [v.key, v.features.map((f) => f.name)])) } : {},
    featureNames: [...joinKeys, ...resolved.outputs.map((o) => o.name)],
    warnings: resolved.views.filter((v) => v.view.status === 'deprecated').map((v) => `${v.key} is deprecated: move consumers to a newer version`),
  };
  plans.set(resolved, plan);
  return plan;
}

async function lookup(ctx: StoreContext, req: OnlineFeaturesRequest, encoded: boolean): Promise<Lookup> {
  const registry = await ctx.registry();
  const resolved = resolveRequested(registry, req.features, req.featureService, req.fullFeatureNames ?? false);
  const { joinKeys, requestNames, keyers, readOptions, featureNames, warnings } = planOf(resolved);
  // The columns' shape is checked (and refused) before the keys they hold. `given` holds the
  // caller's own columns only, without a prototype (`constructor`, `__proto__` … are never inherited).
  const { columns: given, n } = checkedColumns(req.entities, 'entities');
  for (const k of joinKeys) {
    if (!given[k]) throw new ValidationError(`missing join key '${k}' in entities`, [{ field: `entities.${k}`, message: 'join key is required' }]);
  }
  for (const k in given) {
    if (!joinKeys.includes(k) && !requestNames.includes(k)) {
      throw new ValidationError(`unknown entity key '${k}': expected ${[...joinKeys, ...requestNames].join(', ')}`, [
        { field: `entities.${k}`, message: 'not a join key or request field of the requested features' },
      ]);
    }
  }
  const keys = new Array<ItemKey>(resolved.views.length * n);
  // One row, refilled for each entity row: the keyers read it there and then (no object per row).
  const row: Record<string, unknown> = Object.create(null);
  for (let j = 0; j < n; j++) {
    for (const k of joinKeys) row[k] = given[k][j];
    for (let i = 0; i < keyers.length; i++) keys[i * n + j] = { entityKey: keyers[i](row, j), view: resolved.views[i].key };
  }
  // Aggregation views are merged from their tiles; plain views come from one batched (projected) read.
  const stored = await readOnlineRecords(ctx, keys, resolved.views, (plain) =>
    encoded && ctx.online.readEncoded ? ctx.online.readEncoded(plain, readOptions) : ctx.online.read(plain, readOptions),
  );
  const now = ctx.now().getTime();
  // One timestamp string per distinct event time, not per (record, feature).
  const iso = new Map<number, string>();
  const isoOf = (ts: number) => {
    let s = iso.get(ts);
    if (s === undefined) iso.set(ts, (s = new Date(ts).toISOString()));
    return s;
  };
  const byView = new Map<string, ViewRows>();
  resolved.views.forEach((v, i) => {
    const ttlMs = v.view.ttlSeconds > 0 ? v.view.ttlSeconds * 1000 : Number.POSITIVE_INFINITY;
    const records = new Array<FoundRecord | undefined>(n);
    const expired = new Array<boolean>(n);
    const timestamps = new Array<string>(n);
    for (let j = 0; j < n; j++) {
      const s = stored[i * n + j];
      records[j] = s ? new FoundRecord(s) : undefined;
      expired[j] = s !== undefined && now - s.eventTs > ttlMs;
      timestamps[j] = s ? isoOf(s.eventTs) : EPOCH;
    }
    byView.set(v.key, { records, expired, timestamps });
  });

  // Sized up front: a response has a column per join key and per output (50 pushes would grow it five times).
  const columns = new Array<LookupColumn>(joinKeys.length + resolved.outputs.length);
  let c = 0;
  for (const k of joinKeys) {
    columns[c++] = {
      kind: 'given',
      values: given[k].slice(),
      statuses: new Array<FeatureStatus>(n).fill('PRESENT'),
      timestamps: new Array<string>(n).fill(EPOCH),
    };
  }
  // Values as served (null when missing or past max age): the inputs of on-demand views.
  const served = (viewKeyName: string, feature: string, j: number): unknown => {
    const r = byView.get(viewKeyName)!;
    const rec = r.records[j];
    if (!rec || r.expired[j]) return null;
    return rec.values[feature] ?? null;
  };
  const computed = new Map<string, { values: Record<string, unknown[]>; ts: string[] }>();
  for (const { spec } of resolved.onDemand) {
    const impl = implementationFor(spec, ctx.transforms);
    const inputs = requestColumns(
      spec.inputs.filter((i) => i.kind === 'request').flatMap((i) => i.features),
      (name) => given[name],
      n,
    );
    const inputKeys: string[] = [];
    for (const input of spec.inputs.filter((i) => i.kind === 'view')) {
      const key = viewKey(input.name, input.version!);
      inputKeys.push(key);
      for (const f of input.features) inputs[f.name] = Array.from({ length: n }, (_, j) => served(key, f.name, j));
    }
    const ts = Array.from({ length: n }, (_, j) => {
      const newest = Math.max(-Infinity, ...inputKeys.map((k) => byView.get(k)!.records[j]?.eventTs ?? -Infinity));
      return Number.isFinite(newest) ? new Date(newest).toISOString() : EPOCH;
    });
    computed.set(spec.name, { values: runOnDemand(spec, impl, inputs, n), ts });
  }

  for (const out of resolved.outputs) {
    if (out.onDemand) {
      const computedOut = computed.get(out.view)!;
      const values = computedOut.values[out.feature];
      columns[c++] = { kind: 'given', values, statuses: values.map((v) => (v === null ? 'NULL_VALUE' : 'PRESENT')), timestamps: computedOut.ts };
      continue;
    }
    columns[c++] = { kind: 'view', feature: out.feature, rows: byView.get(out.view)! };
  }
  return { featureNames, warnings, columns };
}
