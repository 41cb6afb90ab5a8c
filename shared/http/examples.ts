import type { DType } from '../definitions/dtypes.js';
import { jsonKind, type JsonKind } from '../definitions/type-map.js';
import type { Registry } from '../registry/registry.js';
import { storedColumns } from '../offline/source-node.js';

/**
 * Request examples for the OpenAPI document, built from the registry so they name the project's
 * own services, join keys and push sources (a reader can send them as they are; the tests do).
 * Values are placeholders of the right type; event times are a fixed past instant, never "now".
 */

const SAMPLE: Record<JsonKind, unknown> = {
  int32: 1,
  int64: 1,
  float32: 0.5,
  float64: 0.5,
  string: 'example',
  boolean: true,
  base64: 'AA==',
  instant: '2026-01-01T00:00:00Z',
};
const sample = (dtype: DType): unknown => {
  const { kind, array } = jsonKind(dtype);
  return array ? [SAMPLE[kind]] : SAMPLE[kind];
};

export interface RouteExamples {
  '/get-online-features'?: unknown;
  '/push'?: unknown;
  '/materialize'?: unknown;
  '/materialize-incremental'?: unknown;
}

export function requestExamples(registry: Registry | undefined): RouteExamples {
  const out: RouteExamples = { '/materialize': { start_ts: '2026-01-01T00:00:00Z', end_ts: '2026-01-02T00:00:00Z' } };
  out['/materialize-incremental'] = { end_ts: '2026-01-02T00:00:00Z' };
  if (!registry) return out;
  const service = Object.keys(registry.data.featureServices).sort()[0];
  if (service !== undefined) {
    const resolved = registry.resolveRefs(registry.serviceRefs(service));
    const entities: Record<string, unknown[]> = {};
    for (const v of resolved.views) for (const k of v.view.joinKeys) entities[k.name] = [sample(k.valueType)];
    for (const f of resolved.requestFields) entities[f.name] = [sample(f.dtype)];
    out['/get-online-features'] = { feature_service: service, entities };
  }
  const push = Object.values(registry.data.dataSources)
    .filter((s) => s.kind === 'PushSource')
    .sort((a, b) => a.name.localeCompare(b.name))[0];
  const views = push?.kind === 'PushSource' ? registry.viewsOfPushSource(push.name).filter((v) => v.status !== 'deprecated') : [];
  if (push?.kind === 'PushSource' && views.length) {
    const df: Record<string, unknown[]> = {};
    for (const v of views) {
      for (const k of v.joinKeys) df[k.name] = [sample(k.valueType)];
      // An aggregation view is pushed its raw events (eventSchema), not its derived features.
      for (const f of storedColumns(v)) df[f.name] = [sample(f.dtype)];
    }
    df[push.batchSource.timestampField] = [SAMPLE.instant];
    if (push.batchSource.createdTimestampColumn) df[push.batchSource.createdTimestampColumn] = [SAMPLE.instant];
    out['/push'] = { push_source_name: push.name, df, to: 'online' };
  }
  return out;
}
