import { parseDType, type DType } from '../definitions/dtypes.js';
import { TransformationDriftError, ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import { decodeEntityKey, entityKey } from '../online/entity-key.js';
import type { OnlineRecord } from '../online/types.js';
import type { OnDemandRequest, Registry, ViewRequest } from '../registry/registry.js';
import type { StoreContext } from './context.js';
import { type OnlineReader, sampleAggregationView } from './audit-aggregations.js';
import { implementationFor, runOnDemand } from './on-demand.js';
import { getOnlineFeatures } from './online-read.js';

export interface AuditOptions {
  /** View names (`name` or `name@vN`); or a feature service. */
  views?: string[];
  featureService?: string;
  sample: number;
  seed?: number;
  /** Relative tolerance for float comparisons (default 1e-6). */
  floatTolerance?: number;
}

export interface FeatureAudit {
  view: string;
  feature: string;
  compared: number;
  mismatches: number;
  missingOnline: number;
  missingOffline: number;
  mismatchRate: number;
  missingOnlineRate: number;
  missingOfflineRate: number;
  /** A few differing rows, to start debugging from. */
  examples: { entity: Record<string, unknown>; at: string; online: unknown; offline: unknown }[];
}

export interface AuditReport {
  sample: number;
  features: FeatureAudit[];
  /** On-demand views whose loaded code is not the applied code. */
  drift: { view: string; applied: string; loaded?: string }[];
  /** The largest of all mismatch / missing rates. */
  worstRate: number;
  /** Features with no row to compare (`view:feature`): not checked, which is not a pass. */
  notChecked: string[];
}

type Sampled = { entity: Record<string, unknown>; at: Date; online: Record<string, unknown> };

/** Equal under the audit's rules: exact for ints, strings, bools; relative tolerance for floats. */
export function sameValue(dtype: DType, a: unknown, b: unknown, tol: number): boolean {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  a = norm(a);
  b = norm(b);
  const { scalar, array } = parseDType(dtype);
  if (array) return JSON.stringify(a) === JSON.stringify(b);
  if ((scalar === 'Float32' || scalar === 'Float64') && typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b));
  }
  if (scalar === 'UnixTimestamp') return new Date(a as string).getTime() === new Date(b as string).getTime();
  return a === b;
}

function tally(
  view: string,
  feature: string,
  dtype: DType,
  pairs: { s: Sampled; online: unknown; offline: unknown }[],
  tol: number,
  drifted = false,
): FeatureAudit {
  const a: FeatureAudit = {
    view,
    feature,
    compared: pairs.length,
    mismatches: 0,
    missingOnline: 0,
    missingOffline: 0,
    mismatchRate: 0,
    missingOnlineRate: 0,
    missingOfflineRate: 0,
    examples: [],
  };
  for (const { s, online, offline } of pairs) {
    const on = online ?? null;
    const off = offline ?? null;
    let bad = true;
    if (drifted && (on !== null || off !== null)) a.mismatches++;
    else if (on === null && off === null) bad = false;
    else if (on === null) a.missingOnline++;
    else if (off === null) a.missingOffline++;
    else if (!sameValue(dtype, on, off, tol)) a.mismatches++;
    else bad = false;
    if (bad && a.examples.length < 3)
      a.examples.push({ entity: s.entity, at: s.at.toISOString(), online: on, offline: off instanceof Date ? off.toISOString() : off });
  }
  const n = Math.max(a.compared, 1);
  a.mismatchRate = a.mismatches / n;
  a.missingOnlineRate = a.missingOnline / n;
  a.missingOfflineRate = a.missingOffline / n;
  return a;
}

async function offlineAt(ctx: StoreContext, views: ViewRequest[], samples: Sampled[]): Promise<Record<string, unknown>[]> {
  const outputs = views.flatMap((v) => v.features.map((f) => ({ view: v.key, feature: f.name, name: `${v.key}::${f.name}` })));
  const res = await ctx.offline.getHistoricalFeatures({ entity: { rows: samples.map((s) => ({ ...s.entity, event_timestamp: s.at })) }, views, outputs });
  return res.rows!;
}

/**
 * Training–serving skew audit (Chronon's consistency metrics): sample entity keys from the online
 * store, compute the offline PIT vector at each online row's event time, and compare per feature.
 * Aggregation views are looked up through `readOnline` (the generic online read) at the store's
 * clock and recomputed offline at the same instant (docs/aggregations.md#skew-audit).
 */
export async function auditSkew(ctx: StoreContext, opts: AuditOptions, readOnline: OnlineReader = getOnlineFeatures): Promise<AuditReport> {
  if (!(opts.sample > 0)) throw new ValidationError('--sample must be a positive number', [{ field: 'sample', message: 'expected > 0' }]);
  const registry = await ctx.registry();
  const tol = opts.floatTolerance ?? 1e-6;
  const seed = opts.seed ?? 1;
  const { views, onDemand } = targets(registry, opts);
  const features: FeatureAudit[] = [];
  const drift: AuditReport['drift'] = [];

  for (const v of views) {
    const samples = v.view.aggregation
      ? await sampleAggregationView(ctx, v, opts.sample, seed, readOnline)
      : (await ctx.online.sample(v.key, opts.sample, seed)).map(toSample);
    if (!samples.length) continue;
    const offline = await offlineAt(ctx, [v], samples);
    for (const f of v.features) {
      features.push(
        tally(
          v.key,
          f.name,
          f.dtype,
          samples.map((s, i) => ({ s, online: s.online[f.name], offline: offline[i][`${v.key}::${f.name}`] })),
          tol,
        ),
      );
    }
  }

  for (const od of onDemand) {
    let drifted = false;
    try {
      implementationFor(od.spec, ctx.transforms);
    } catch (err) {
      if (!(err instanceof TransformationDriftError)) throw err;
      drifted = true;
      const d = err.details as { applied: string; loaded?: string };
      drift.push({ view: od.spec.name, applied: d.applied, ...(d.loaded ? { loaded: d.loaded } : {}) });
    }
    const impl = ctx.transforms.get(od.spec.name);
    features.push(...(await auditOnDemand(ctx, registry, od, impl, opts.sample, seed, tol, drifted, readOnline)));
  }
  const worstRate = Math.max(0, ...features.map((f) => Math.max(f.mismatchRate, f.missingOnlineRate, f.missingOfflineRate)));
  const notChecked = features.filter((f) => f.compared === 0).map((f) => `${f.view}:${f.feature}`);
  return { sample: opts.sample, features, drift, worstRate, notChecked };
}

function toSample(item: { entityKey: string } & OnlineRecord): Sampled {
  return { entity: decodeEntityKey(item.entityKey), at: new Date(item.eventTs), online: item.values };
}

function targets(registry: Registry, opts: AuditOptions): { views: ViewRequest[]; onDemand: OnDemandRequest[] } {
  if (opts.featureService) {
    const r = registry.resolveRefs(registry.serviceRefs(opts.featureService));
    // Audit whole views (every feature the service reads from them), plus its on-demand views.
    return { views: r.views, onDemand: r.onDemand };
  }
  if (!opts.views?.length) throw new ValidationError('give --view or --feature-service', [{ field: 'view', message: 'required' }]);
  const views: ViewRequest[] = [];
  const onDemand: OnDemandRequest[] = [];
  for (const name of opts.views) {
    const od = registry.onDemandView(name);
    if (od) {
      onDemand.push({ spec: od, features: od.features });
      continue;
    }
    const view = registry.view(name);
    views.push({ key: viewKey(view.name, view.version), view, features: view.features });
  }
  return { views, onDemand };
}

/**
 * On-demand features: at each sampled time t (an online row of the first input view), the inputs as
 * a lookup at t would have served them vs the PIT inputs at t, both through the loaded function.
 * Rows whose other inputs were overwritten after t cannot be compared and are left out.
 */
async function auditOnDemand(
  ctx: StoreContext,
  registry: Registry,
  od: OnDemandRequest,
  impl: ReturnType<StoreContext['transforms']['get']>,
  n: number,
  seed: number,
  tol: number,
  drifted: boolean,
  readOnline: OnlineReader,
): Promise<FeatureAudit[]> {
  const viewInputs = od.spec.inputs.filter((i) => i.kind === 'view');
  if (!impl || !viewInputs.length || od.spec.inputs.some((i) => i.kind === 'request')) {
    return od.spec.features.map((f) => ({ ...tally(od.spec.name, f.name, f.dtype, [], tol), compared: 0 }));
  }
  const inputViews: ViewRequest[] = viewInputs.map((i) => {
    const view = registry.view(viewKey(i.name, i.version!));
    return { key: viewKey(view.name, view.version), view, features: i.features.map((f) => view.features.find((x) => x.name === f.name)!) };
  });
  if (inputViews.some((v) => v.view.aggregation)) return auditOnDemandAtNow(ctx, od, impl, inputViews, n, seed, tol, drifted, readOnline);
  const first = inputViews[0];
  const sampled = (await ctx.online.sample(first.key, n, seed)).map(toSample);
  const others = await ctx.online.read(
    sampled.flatMap((s) => inputViews.slice(1).map((v) => ({ view: v.key, entityKey: entityKey(v.view.joinKeys, s.entity) }))),
  );
  const comparable: { s: Sampled; inputs: Record<string, unknown> }[] = [];
  sampled.forEach((s, i) => {
    const inputs: Record<string, unknown> = {};
    for (const f of first.features) inputs[f.name] = s.online[f.name] ?? null;
    let ok = true;
    inputViews.slice(1).forEach((v, k) => {
      const rec = others[i * (inputViews.length - 1) + k];
      if (rec && rec.eventTs > s.at.getTime()) ok = false;
      const live = rec && (v.view.ttlSeconds === 0 || s.at.getTime() - rec.eventTs <= v.view.ttlSeconds * 1000);
      for (const f of v.features) inputs[f.name] = live ? (rec!.values[f.name] ?? null) : null;
    });
    if (ok) comparable.push({ s, inputs });
  });
  if (!comparable.length) return od.spec.features.map((f) => tally(od.spec.name, f.name, f.dtype, [], tol));
  const offline = await offlineAt(
    ctx,
    inputViews,
    comparable.map((c) => c.s),
  );
  const cols = (get: (j: number, name: string) => unknown) =>
    Object.fromEntries(inputViews.flatMap((v) => v.features.map((f) => [f.name, comparable.map((_, j) => get(j, f.name))])));
  const onlineOut = runOnDemand(
    od.spec,
    impl,
    cols((j, name) => comparable[j].inputs[name]),
    comparable.length,
  );
  const offlineOut = runOnDemand(
    od.spec,
    impl,
    cols((j, name) => offline[j][`${inputViews.find((v) => v.features.some((f) => f.name === name))!.key}::${name}`] ?? null),
    comparable.length,
  );
  return od.spec.features.map((f) =>
    tally(
      od.spec.name,
      f.name,
      f.dtype,
      comparable.map((c, j) => ({ s: c.s, online: onlineOut[f.name][j], offline: offlineOut[f.name][j] })),
      tol,
      drifted,
    ),
  );
}

/**
 * On-demand features over an aggregation view: aggregates have no stored online row to take a time
 * from, so (as for the aggregation views themselves, docs/aggregations.md#skew-audit) sampled entity
 * keys are looked up through the generic online read at the store's clock and the function is run on
 * those inputs and on the PIT inputs at the same instant. Inputs must share their join keys.
 */
async function auditOnDemandAtNow(
  ctx: StoreContext,
  od: OnDemandRequest,
  impl: NonNullable<ReturnType<StoreContext['transforms']['get']>>,
  inputViews: ViewRequest[],
  n: number,
  seed: number,
  tol: number,
  drifted: boolean,
  readOnline: OnlineReader,
): Promise<FeatureAudit[]> {
  const notChecked = () => od.spec.features.map((f) => tally(od.spec.name, f.name, f.dtype, [], tol));
  const joinKeys = inputViews[0].view.joinKeys.map((k) => k.name);
  if (!inputViews.every((v) => v.view.joinKeys.map((k) => k.name).join() === joinKeys.join())) return notChecked();
  const plain = inputViews.find((v) => !v.view.aggregation);
  const entities = plain
    ? (await ctx.online.sample(plain.key, n, seed)).map((r) => toSample(r).entity)
    : (await sampleAggregationView(ctx, inputViews[0], n, seed, readOnline)).map((s) => s.entity);
  if (!entities.length) return notChecked();
  const at = ctx.now();
  const inputs = inputViews.flatMap((v) => v.features.map((f) => ({ v, f })));
  const response = await readOnline(ctx, {
    features: inputs.map(({ v, f }) => `${v.key}:${f.name}`),
    entities: Object.fromEntries(joinKeys.map((k) => [k, entities.map((e) => e[k])])),
  });
  const samples: Sampled[] = entities.map((e) => ({ entity: Object.fromEntries(joinKeys.map((k) => [k, e[k]])), at, online: {} }));
  const offline = await offlineAt(ctx, inputViews, samples);
  const onlineOut = runOnDemand(
    od.spec,
    impl,
    Object.fromEntries(inputs.map(({ f }, j) => [f.name, response.results[joinKeys.length + j].values])),
    samples.length,
  );
  const offlineOut = runOnDemand(
    od.spec,
    impl,
    Object.fromEntries(inputs.map(({ v, f }) => [f.name, offline.map((r) => r[`${v.key}::${f.name}`] ?? null)])),
    samples.length,
  );
  return od.spec.features.map((f) =>
    tally(
      od.spec.name,
      f.name,
      f.dtype,
      samples.map((s, j) => ({ s, online: onlineOut[f.name][j], offline: offlineOut[f.name][j] })),
      tol,
      drifted,
    ),
  );
}
