import { z } from 'zod';
import type { FeatureStore } from '../../shared/feature-store.js';
import { MethodNotAllowedError, NotFoundError, ValidationError } from '../../shared/errors.js';
import { viewKey } from '../../shared/layout/view-ref.js';
import { freshnessSeries } from '../../shared/services/monitoring-history.js';
import { parseInstant } from '../../shared/util/time.js';
import { datasetServices, lineage, matchesView, onDemandDetail, serviceDetail, viewDetail, viewsByName, viewSummary, versionDiff } from './registry-views.js';
import { snippets } from './snippets.js';
import type { RegistryData } from '../../shared/registry/types.js';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Params = Record<string, string>;
type Handler = (p: Params, req: ApiRequest) => Promise<unknown>;

const DAY = 86_400_000;

/** Query parameters through zod, so a bad one is a 400 naming it. */
function queryOf<S extends z.ZodType>(schema: S, q: URLSearchParams): z.output<S> {
  const r = schema.safeParse(Object.fromEntries(q));
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ field: i.path.join('.') || 'query', message: i.message }));
  throw new ValidationError(`invalid query parameter ${issues.map((i) => `'${i.field}': ${i.message}`).join('; ')}`, issues);
}

const instant = (field: string) =>
  z
    .string()
    .transform((v, ctx) => {
      const d = parseInstant(v);
      if (!d) {
        ctx.addIssue({ code: 'custom', message: `expected an ISO 8601 instant, got ${JSON.stringify(v.slice(0, 40))}` });
        return z.NEVER;
      }
      return d;
    })
    .describe(field);
const version = z.coerce.number().int().positive().optional();
const StatsQuery = z.object({
  version,
  start: instant('start').optional(),
  end: instant('end').optional(),
  bins: z.coerce.number().int().min(1).max(100).optional(),
  refresh: z.enum(['0', '1', 'true', 'false']).optional(),
});
const AuditBody = z
  .object({
    featureService: z.string().min(1).optional(),
    view: z.string().min(1).optional(),
    sample: z.number().int().min(1).max(100_000),
  })
  .strict()
  .refine((b) => (b.featureService === undefined) !== (b.view === undefined), {
    message: 'give exactly one of featureService, view',
    path: ['featureService'],
  });

/** The UI's JSON API over the FeatureStore facade: read-only, except running a skew audit (which writes only its history). */
export function createApi(store: FeatureStore, info: { provider: string; startedAt: Date; recordEveryMs?: number }) {
  const data = async (): Promise<RegistryData> => (await store.registry()).data;
  // Each page view checks freshness; at most one check a minute (wall clock) is kept, so an open
  // tab does not grow the history without bound.
  let recordedAt = Number.NEGATIVE_INFINITY;
  const checkFreshness = () => {
    const record = Date.now() - recordedAt >= (info.recordEveryMs ?? 60_000);
    if (record) recordedAt = Date.now();
    return store.freshness(undefined, { record });
  };
  const viewVersions = async (name: string) => {
    const vs = viewsByName(await data()).get(name);
    if (!vs) throw new NotFoundError('feature view', name);
    return vs;
  };
  const pick = async (name: string, v?: number) => {
    const vs = await viewVersions(name);
    if (v === undefined) return (await store.registry()).view(name);
    const spec = vs.find((x) => x.version === v);
    if (!spec) throw new NotFoundError('feature view', viewKey(name, v), `versions: ${vs.map((x) => `v${x.version}`).join(', ')}`);
    return spec;
  };
  const own = <T>(map: Record<string, T> | undefined, kind: string, name: string): T => {
    if (!map || !Object.hasOwn(map, name)) throw new NotFoundError(kind, name);
    return map[name];
  };

  const routes: [string, string, Handler][] = [
    ['GET', '/api/health', async () => ({ status: 'ok', now: store.context.now().toISOString() })],
    [
      'GET',
      '/api/summary',
      async () => {
        const d = await data();
        const freshness = await checkFreshness();
        return {
          project: d.project,
          provider: info.provider,
          serial: d.serial,
          lastUpdated: d.lastUpdated,
          now: store.context.now().toISOString(),
          counts: {
            entities: Object.keys(d.entities).length,
            dataSources: Object.keys(d.dataSources).length,
            featureViews: viewsByName(d).size,
            featureViewVersions: Object.keys(d.featureViews).length,
            onDemandViews: Object.keys(d.onDemandFeatureViews).length,
            featureServices: Object.keys(d.featureServices).length,
            datasets: Object.keys(d.datasets ?? {}).length,
          },
          freshness,
        };
      },
    ],
    ['GET', '/api/entities', async () => Object.values((await data()).entities)],
    [
      'GET',
      '/api/feature-views',
      async (_p, req) => {
        const { q } = queryOf(z.object({ q: z.string().max(200).optional() }), req.query);
        const registry = await store.registry();
        return [...viewsByName(registry.data).values()].filter((vs) => !q || vs.some((v) => matchesView(v, q))).map((vs) => viewSummary(vs, registry));
      },
    ],
    ['GET', '/api/feature-views/:name', async (p) => viewDetail(await viewVersions(p.name), await data(), await store.registry())],
    [
      'GET',
      '/api/feature-views/:name/diff',
      async (p, req) => {
        const q = queryOf(z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() }), req.query);
        return versionDiff(await pick(p.name, q.from), await pick(p.name, q.to));
      },
    ],
    [
      'GET',
      '/api/feature-views/:name/freshness',
      async (p, req) => {
        const v = await pick(p.name, queryOf(z.object({ version }), req.query).version);
        const now = await checkFreshness();
        return {
          view: viewKey(v.name, v.version),
          current: now.find((f) => f.view === v.name && f.version === v.version) ?? null,
          history: freshnessSeries(await store.freshnessHistory(), v.name, v.version),
        };
      },
    ],
    [
      'GET',
      '/api/feature-views/:name/statistics',
      async (p, req) => {
        const q = queryOf(StatsQuery, req.query);
        const v = await pick(p.name, q.version);
        const end = q.end ?? store.context.now();
        const start = q.start ?? new Date(end.getTime() - 30 * DAY);
        return store.statistics(viewKey(v.name, v.version), {
          start,
          end,
          ...(q.bins ? { bins: q.bins } : {}),
          refresh: q.refresh === '1' || q.refresh === 'true',
        });
      },
    ],
    [
      'GET',
      '/api/feature-views/:name/preview',
      async (p, req) => {
        const q = queryOf(z.object({ version, n: z.coerce.number().int().min(1).max(200).default(20) }), req.query);
        const v = await pick(p.name, q.version);
        return { view: viewKey(v.name, v.version), rows: await store.onlinePreview(viewKey(v.name, v.version), q.n) };
      },
    ],
    [
      'GET',
      '/api/feature-views/:name/snippets',
      async (p, req) => {
        const v = await pick(p.name, queryOf(z.object({ version }), req.query).version);
        const [example] = await store.onlinePreview(viewKey(v.name, v.version), 1);
        return snippets(v, example?.entity);
      },
    ],
    [
      'GET',
      '/api/on-demand-views',
      async () => {
        const d = await data();
        return Object.values(d.onDemandFeatureViews).map((o) => onDemandDetail(o, loadedHash(store, o.name), d));
      },
    ],
    [
      'GET',
      '/api/on-demand-views/:name',
      async (p) => {
        const d = await data();
        return onDemandDetail(own(d.onDemandFeatureViews, 'on demand feature view', p.name), loadedHash(store, p.name), d);
      },
    ],
    [
      'GET',
      '/api/feature-services',
      async () => {
        const d = await data();
        return Object.values(d.featureServices).map((s) => serviceDetail(s, d));
      },
    ],
    [
      'GET',
      '/api/feature-services/:name',
      async (p) => {
        const d = await data();
        return serviceDetail(own(d.featureServices, 'feature service', p.name), d);
      },
    ],
    [
      'GET',
      '/api/sources/:name',
      async (p) => {
        const d = await data();
        const s = own(d.dataSources, 'data source', p.name);
        const views = Object.values(d.featureViews)
          .filter((v) => v.source.name === s.name || (v.source.kind === 'PushSource' && v.source.batchSource.name === s.name))
          .map((v) => viewKey(v.name, v.version));
        return { ...s, views };
      },
    ],
    [
      'GET',
      '/api/datasets',
      async () => {
        const d = await data();
        return Object.values(d.datasets ?? {}).map((x) => ({ ...x, services: datasetServices(x, d) }));
      },
    ],
    [
      'GET',
      '/api/datasets/:name',
      async (p) => {
        const d = await data();
        const x = own(d.datasets, 'dataset', p.name);
        return { ...x, services: datasetServices(x, d) };
      },
    ],
    ['GET', '/api/lineage', async () => lineage(await data())],
    ['GET', '/api/audits', async () => (await store.auditHistory()).reverse()],
    [
      'POST',
      '/api/audits',
      async (_p, req) => {
        const r = AuditBody.safeParse(req.body);
        if (!r.success) {
          const issues = r.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
          throw new ValidationError(`invalid audit request: ${issues.map((i) => `'${i.field}': ${i.message}`).join('; ')}`, issues);
        }
        const b = r.data;
        const report = await store.auditSkew(
          { ...(b.featureService ? { featureService: b.featureService } : { views: [b.view!] }), sample: b.sample },
          { record: true },
        );
        const [latest] = (await store.auditHistory(1)).reverse();
        return latest ?? { report };
      },
    ],
  ];

  const compiled = routes.map(([method, pattern, handler]) => {
    const names: string[] = [];
    const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    return { method, pattern, re, names, handler };
  });

  return async (req: ApiRequest): Promise<unknown> => {
    const path = req.path.replace(/\/+$/, '');
    const matches = compiled.filter((r) => r.re.test(path));
    if (!matches.length) throw new NotFoundError('API route', req.path.slice(0, 200));
    const route = matches.find((r) => r.method === req.method);
    if (!route) throw new MethodNotAllowedError(req.method, req.path, matches.map((m) => m.method).join(', '));
    const m = route.re.exec(path)!;
    const params: Params = {};
    route.names.forEach((n, i) => {
      try {
        params[n] = decodeURIComponent(m[i + 1]);
      } catch {
        throw new ValidationError(`invalid URL encoding in '${n}'`, [{ field: n, message: 'expected a percent-encoded name' }]);
      }
    });
    return route.handler(params, req);
  };
}

function loadedHash(store: FeatureStore, name: string): string | undefined {
  return store.context.transforms.get(name)?.codeHash;
}
