import { viewKey } from '../layout/view-ref.js';
import type { EntityInput, HistoricalResult, Progress, Row, TableFormat } from '../offline/offline-store.js';
import type { StoreContext } from './context.js';
import { implementationFor, requestColumns, runOnDemand } from './on-demand.js';
import { resolveRequested } from './online-read.js';
import { rowsToColumns } from './rows.js';

export interface HistoricalFeaturesRequest {
  entity: EntityInput;
  features?: string[];
  featureService?: string;
  fullFeatureNames?: boolean;
  output?: { path: string; format: TableFormat };
}

const inputName = (view: string, feature: string) => `__in__${view}__${feature}`;

/**
 * Point-in-time correct training data (docs/semantics.md#pit-join). On-demand features are computed after
 * the join by the same function objects online lookup runs.
 */
export async function getHistoricalFeatures(ctx: StoreContext, req: HistoricalFeaturesRequest, progress?: Progress): Promise<HistoricalResult> {
  const registry = await ctx.registry();
  const resolved = resolveRequested(registry, req.features, req.featureService, req.fullFeatureNames ?? false);
  const plainOutputs = resolved.outputs.filter((o) => !o.onDemand);
  if (!resolved.onDemand.length) {
    return ctx.offline.getHistoricalFeatures(
      { entity: req.entity, views: resolved.views, outputs: plainOutputs, ...(req.output ? { output: req.output } : {}) },
      progress,
    );
  }

  // Every view feature gets an output column; those only feeding transformations get a hidden name.
  const named = new Map(plainOutputs.map((o) => [`${o.view}:${o.feature}`, o.name]));
  const offlineOutputs = resolved.views.flatMap((v) =>
    v.features.map((f) => ({ view: v.key, feature: f.name, name: named.get(`${v.key}:${f.name}`) ?? inputName(v.key, f.name) })),
  );
  const joined = await ctx.offline.getHistoricalFeatures({ entity: req.entity, views: resolved.views, outputs: offlineOutputs }, progress);
  const rows = joined.rows!;
  const n = rows.length;
  const column = (name: string) => rowsToColumns(rows, [name])[name];
  const computed = new Map<string, Record<string, unknown[]>>();
  for (const { spec } of resolved.onDemand) {
    const impl = implementationFor(spec, ctx.transforms);
    const inputs = requestColumns(
      spec.inputs.filter((i) => i.kind === 'request').flatMap((i) => i.features),
      (name) => (joined.columns.includes(name) ? column(name) : undefined),
      n,
    );
    for (const input of spec.inputs.filter((i) => i.kind === 'view')) {
      const key = viewKey(input.name, input.version!);
      for (const f of input.features) inputs[f.name] = column(offlineOutputs.find((o) => o.view === key && o.feature === f.name)!.name);
    }
    computed.set(spec.name, runOnDemand(spec, impl, inputs, n));
  }

  const hidden = new Set(offlineOutputs.map((o) => o.name).filter((name) => !resolved.outputs.some((o) => o.name === name)));
  const entityColumns = joined.columns.filter((c) => !hidden.has(c) && !plainOutputs.some((o) => o.name === c));
  const columns = [...entityColumns, ...resolved.outputs.map((o) => o.name)];
  const out: Row[] = rows.map((r, j) => {
    const row: Row = {};
    for (const c of entityColumns) row[c] = r[c];
    for (const o of resolved.outputs) row[o.name] = o.onDemand ? computed.get(o.view)![o.feature][j] : r[o.name];
    return row;
  });
  if (req.output) {
    const dtypes = new Map(
      resolved.outputs.map((o) => [
        o.name,
        (o.onDemand ? registry.onDemandView(o.view)!.features : registry.view(o.view).features).find((f) => f.name === o.feature)!.dtype,
      ]),
    );
    await ctx.offline.writeTable(
      columns.map((name) => ({ name, ...(dtypes.has(name) ? { dtype: dtypes.get(name)! } : {}) })),
      out,
      req.output,
    );
    return { rowCount: n, columns, path: req.output.path, sql: joined.sql };
  }
  return { rowCount: n, columns, rows: out, sql: joined.sql };
}
