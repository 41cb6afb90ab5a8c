import { loadConfig, type RepoConfig } from './config/config.js';
import { loadDefinitions } from './config/load-definitions.js';
import type { FeatureView } from './definitions/feature-view.js';
import type { OnDemandFeatureView } from './definitions/on-demand-feature-view.js';
import { ValidationError } from './errors.js';
import { viewKey } from './layout/view-ref.js';
import { decodeEntityKey } from './online/entity-key.js';
import type { MonitoringParts } from './providers/monitoring.js';
import type { Registry } from './registry/registry.js';
import type { AuditRecord, FreshnessCheck } from './services/monitoring-history.js';
import { computeStatistics, StatisticsCache, type StatisticsOptions, type ViewStatistics } from './services/statistics.js';
import { computeView, type ComputeResult } from './services/compute.js';
import type { HistoricalResult, Progress } from './offline/offline-store.js';
import { createStores, type StoreParts } from './providers/index.js';
import type { Plan } from './registry/plan.js';
import { toRepoSpecs, type Definition } from './registry/to-specs.js';
import type { RegistryData } from './registry/types.js';
import { apply, plan } from './services/apply.js';
import { auditSkew, type AuditOptions, type AuditReport } from './services/audit.js';
import { sampleAggregationView } from './services/audit-aggregations.js';
import { deleteViewVersion, deprecateView, promotionProblem, promoteView } from './services/lifecycle.js';
import { CachedRegistry } from './services/cached-registry.js';
import type { StoreContext } from './services/context.js';
import { freshness, type ViewFreshness } from './services/freshness.js';
import { getHistoricalFeatures, type HistoricalFeaturesRequest } from './services/historical.js';
import { materialize, materializeIncremental, type ChunkingOptions, type MaterializeProgress, type ViewMaterialization } from './services/materialize.js';
import { getOnlineFeatures, getOnlineFeaturesJson, type OnlineFeaturesRequest, type OnlineFeaturesResponse } from './services/online-read.js';
import { push, validatePush, type PushRequest, type PushResult } from './services/push.js';
import { finishTrainingDataset, prepareTrainingDataset, type PreparedTrainingDataset, type TrainingDatasetRequest } from './services/training-dataset.js';

export interface FeatureStoreOptions {
  /** The clock for every "now" (TTL checks, freshness, created timestamps). Default: the wall clock. */
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
}

/**
 * The one entry into skewless for code: the CLI, the local server and the Lambdas all call this.
 * @example
 * const store = await FeatureStore.open('examples/feature_repo');
 * const res = await store.getOnlineFeatures({ features: ['user_activity:sessions_7d'], entities: { user_id: ['u_0001'] } });
 */
export class FeatureStore {
  readonly context: StoreContext;
  private readonly registryCache: CachedRegistry;
  private readonly transforms = new Map<string, OnDemandFeatureView>();
  private readonly batchViews = new Map<string, FeatureView>();
  private monitoringParts?: Promise<MonitoringParts>;
  private readonly statisticsCache = new StatisticsCache();

  constructor(
    readonly config: RepoConfig,
    private readonly parts: StoreParts,
    options: FeatureStoreOptions = {},
  ) {
    this.registryCache = new CachedRegistry(parts.registryStore, config.registryCacheSeconds * 1000);
    this.context = {
      registry: () => this.registryCache.get(),
      registryStore: parts.registryStore,
      online: parts.online,
      ...(parts.tiles ? { tiles: parts.tiles } : {}),
      offline: parts.offline,
      now: options.now ?? (() => new Date()),
      transforms: this.transforms,
      limits: config.limits,
    };
  }

  /**
   * Makes the code of the given definitions available to this process (on-demand transformations).
   * `apply` and `loadDefinitions` call it; a Lambda calls it with its bundled definitions.
   */
  useDefinitions(definitions: Iterable<Definition>, options: { codeHashes?: Record<string, string> } = {}): this {
    // A bundler rewrites function text (minification), so a bundle carries the hashes its source had
    // when it was built; they are what gets compared with the hashes `apply` recorded.
    const hashed = (o: OnDemandFeatureView): OnDemandFeatureView =>
      options.codeHashes?.[o.name] ? (Object.create(o, { codeHash: { value: options.codeHashes[o.name] } }) as OnDemandFeatureView) : o;
    for (const d of definitions) {
      if (d.kind === 'FeatureView' && d.batch) this.batchViews.set(d.name, d);
      if (d.kind === 'OnDemandFeatureView') this.transforms.set(d.name, hashed(d));
      if (d.kind === 'FeatureService')
        for (const p of d.projections) if (p.view.kind === 'OnDemandFeatureView') this.transforms.set(p.view.name, hashed(p.view));
    }
    return this;
  }

  static async open(repoDir: string, options: FeatureStoreOptions = {}): Promise<FeatureStore> {
    const config = await loadConfig(repoDir, options.env);
    return new FeatureStore(config, await createStores(config), options);
  }

  /** The repo's TypeScript definitions (needs a TS-capable loader, e.g. tsx, when they are .ts files). */
  async loadDefinitions(): Promise<Definition[]> {
    const defs = await loadDefinitions(this.config);
    this.useDefinitions(defs);
    return defs;
  }

  async plan(definitions: Iterable<Definition>, options: { partial?: boolean; promote?: boolean } = {}): Promise<Plan> {
    return plan(this.parts.registryStore, this.config.project, toRepoSpecs(definitions), options);
  }

  async apply(definitions: Iterable<Definition>, options: { partial?: boolean; promote?: boolean } = {}): Promise<Plan> {
    definitions = [...definitions];
    this.useDefinitions(definitions);
    this.parts.validateApply?.(toRepoSpecs(definitions).featureViews);
    const p = await apply(this.parts.registryStore, this.config.project, toRepoSpecs(definitions), this.context.now(), options);
    this.registryCache.invalidate();
    for (const c of p.changes) if (c.type === 'feature view' && c.op === 'Deleted') await this.parts.online.deleteView(c.name);
    await this.parts.onApply?.(Object.values(p.next.featureViews));
    return p;
  }

  /**
   * Makes an inactive `view@vN` the version unversioned references and feature services read.
   * Refused unless its online data covers its TTL (or `force`).
   */
  async promote(ref: string, options: { force?: boolean } = {}): Promise<{ view: string; status: 'active'; warning?: string }> {
    const marks = new Map((await this.parts.online.watermarks()).map((w) => [w.view, w.eventTs]));
    const r = await promoteView(
      this.parts.registryStore,
      ref,
      this.context.now(),
      (spec, state) => promotionProblem(spec, state, marks.get(viewKey(spec.name, spec.version))),
      options.force ?? false,
    );
    this.registryCache.invalidate();
    return r;
  }

  /** Deprecates `view@vN` (refused while a feature service references it). */
  async deprecate(ref: string): Promise<{ view: string; status: 'deprecated' }> {
    const r = await deprecateView(this.parts.registryStore, ref, this.context.now());
    this.registryCache.invalidate();
    return r;
  }

  /** Deletes a deprecated `view@vN` and its online rows (an aggregation view's tiles and events too). */
  async deleteVersion(ref: string): Promise<{ view: string }> {
    const r = await deleteViewVersion(this.parts.registryStore, ref, this.context.now());
    await this.parts.online.deleteView(r.view);
    await this.parts.tiles?.deleteView(r.view);
    this.registryCache.invalidate();
    return r;
  }

  /** Runs a view's declared batch transformation as of `asOf` (default: now). */
  async compute(view: string, asOf: Date = this.context.now()): Promise<ComputeResult> {
    const def = this.batchViews.get(view);
    if (!def)
      throw new ValidationError(`no batch transformation loaded for feature view '${view}'`, [
        { field: 'view', message: 'declare batch: { input, compute } on the view and load the repo definitions' },
      ]);
    const importPart = this.parts.importPart;
    if (!importPart) return computeView(this.parts.batchEngine, def, this.config.repoDir, asOf, this.context.now());
    // Providers with a remote layout: compute into a scratch directory, then hand the part over.
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const scratch = await mkdtemp(`${tmpdir()}/skewless-compute-`);
    try {
      const r = await computeView(this.parts.batchEngine, def, this.config.repoDir, asOf, this.context.now(), scratch);
      const spec = (await this.context.registry()).view(viewKey(def.name, def.version));
      return { ...r, path: await importPart(spec, r.path, asOf) };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** Views whose batch transformation is loaded in this process. */
  computableViews(): string[] {
    return [...this.batchViews.keys()];
  }

  async registryDump(): Promise<RegistryData | undefined> {
    return this.parts.registryStore.read();
  }

  getOnlineFeatures(req: OnlineFeaturesRequest): Promise<OnlineFeaturesResponse> {
    return getOnlineFeatures(this.context, req);
  }

  /**
   * `getOnlineFeatures` answered as its JSON text, in chunks whose concatenation is byte for byte
   * `JSON.stringify` of the response: what the HTTP route sends.
   */
  getOnlineFeaturesJson(req: OnlineFeaturesRequest): Promise<Buffer> {
    return getOnlineFeaturesJson(this.context, req);
  }

  push(req: PushRequest): Promise<PushResult> {
    return push(this.context, req);
  }

  async materialize(opts: { start: Date; end: Date; views?: string[] } & ChunkingOptions, progress?: MaterializeProgress): Promise<ViewMaterialization[]> {
    const r = await materialize(this.context, opts, progress);
    this.registryCache.invalidate();
    return r;
  }

  async materializeIncremental(opts: { end: Date; views?: string[] } & ChunkingOptions, progress?: MaterializeProgress): Promise<ViewMaterialization[]> {
    const r = await materializeIncremental(this.context, opts, progress);
    this.registryCache.invalidate();
    return r;
  }

  getHistoricalFeatures(req: HistoricalFeaturesRequest, progress?: Progress): Promise<HistoricalResult> {
    return getHistoricalFeatures(this.context, req, progress);
  }

  /**
   * Compares sampled online rows with the offline PIT values at their event time (training–serving skew).
   * With `record`, the report is kept in the audit history (`auditHistory`).
   */
  async auditSkew(opts: AuditOptions, options: { record?: boolean } = {}): Promise<AuditReport> {
    const report = await auditSkew(this.context, opts);
    if (options.record) {
      const at = this.context.now().toISOString();
      const target: AuditRecord['target'] = opts.featureService
        ? { kind: 'service', name: opts.featureService }
        : { kind: 'view', name: (opts.views ?? []).join(', ') };
      await (await this.monitoring()).auditLog.append({ id: `${at}-${Math.random().toString(36).slice(2, 8)}`, at, target, sample: opts.sample, report });
    }
    return report;
  }

  /** Recorded skew audits, oldest first (the newest `limit`). */
  async auditHistory(limit = 100): Promise<AuditRecord[]> {
    return (await this.monitoring()).auditLog.list(limit);
  }

  /** The registry as this process sees it (cached for `registryCacheSeconds`). */
  registry(): Promise<Registry> {
    return this.context.registry();
  }

  /**
   * Histories and the statistics engine, loaded and created on first use: the Lambdas never pay for
   * them (nor for the Athena client provider aws's statistics need, docs/performance.md#lambda-cold-start).
   */
  monitoring(): Promise<MonitoringParts> {
    this.monitoringParts ??= import('./providers/monitoring.js')
      .then((m) => m.createMonitoring(this.config, this.context.now))
      .catch((err: unknown) => {
        // Not remembered: the next call tries again.
        this.monitoringParts = undefined;
        throw err;
      });
    return this.monitoringParts;
  }

  /**
   * Statistics of a view version's offline rows in an event-time range, computed by the offline
   * engine (DuckDB, Athena) and cached per view version, range and options (`refresh` recomputes).
   */
  async statistics(ref: string, opts: StatisticsOptions & { refresh?: boolean }): Promise<ViewStatistics> {
    const view = (await this.context.registry()).view(ref);
    const key = [viewKey(view.name, view.version), opts.start.toISOString(), opts.end.toISOString(), opts.bins ?? '', opts.top ?? ''].join('|');
    return this.statisticsCache.get(key, async () => computeStatistics((await this.monitoring()).statistics, view, opts, this.context.now()), opts.refresh);
  }

  /**
   * A reproducible sample of a view version's online rows, with their event times. An aggregation
   * view stores tiles, not rows: its sample is entity keys with events in its longest window,
   * looked up (aggregated) at the store's clock.
   */
  async onlinePreview(ref: string, n = 20): Promise<{ entity: Record<string, unknown>; eventTimestamp: string; values: Record<string, unknown> }[]> {
    const view = (await this.context.registry()).view(ref);
    if (view.aggregation) {
      const sampled = await sampleAggregationView(
        this.context,
        { key: viewKey(view.name, view.version), view, features: view.features },
        n,
        1,
        getOnlineFeatures,
      );
      return sampled.map((s) => ({ entity: s.entity, eventTimestamp: s.eventTimestamp, values: s.online }));
    }
    const rows = await this.parts.online.sample(viewKey(view.name, view.version), n, 1);
    return rows.map((r) => ({ entity: decodeEntityKey(r.entityKey), eventTimestamp: new Date(r.eventTs).toISOString(), values: r.values }));
  }

  /** Training workflow, step 1 (provider aws): stage entity rows, return the UNLOAD statement. */
  prepareTrainingDataset(req: TrainingDatasetRequest): Promise<PreparedTrainingDataset> {
    return prepareTrainingDataset(this.context, req);
  }

  /** Training workflow, last step: clean up staging, describe the written dataset. */
  finishTrainingDataset(prepared: Pick<PreparedTrainingDataset, 'name' | 'features' | 'table' | 'stagePrefix' | 'outputUri'>, succeeded: boolean) {
    return finishTrainingDataset(this.context, prepared, succeeded);
  }

  /** Validates a push without writing (stream consumers check each record before a combined write). */
  async validatePush(req: PushRequest): Promise<number> {
    return (await validatePush(this.context, req)).rows.length;
  }

  /** Each view version's age against its SLA. With `record`, the check is kept in the freshness history. */
  async freshness(now?: Date, options: { record?: boolean } = {}): Promise<ViewFreshness[]> {
    const views = await freshness(this.context, now);
    if (options.record) await (await this.monitoring()).freshnessLog.append({ at: (now ?? this.context.now()).toISOString(), views });
    return views;
  }

  /** Recorded freshness checks, oldest first (the newest `limit`). */
  async freshnessHistory(limit = 500): Promise<FreshnessCheck[]> {
    return (await this.monitoring()).freshnessLog.list(limit);
  }

  async close(): Promise<void> {
    await this.parts.offline.close();
    await this.parts.online.close();
    await this.parts.tiles?.close();
    await (await this.monitoringParts?.catch(() => undefined))?.statistics.close();
  }
}
