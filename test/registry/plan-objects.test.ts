import { describe, expect, it } from 'vitest';
import {
  Entity,
  FeatureService,
  FeatureView,
  Field,
  FileSource,
  Float64,
  Int64,
  OnDemandFeatureView,
  RequestSource,
  String as Str,
} from '../../shared/definitions/index.js';
import type { DTypeInput } from '../../shared/definitions/dtypes.js';
import { formatPlan, planApply } from '../../shared/registry/plan.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { emptyRegistry, type RegistryData } from '../../shared/registry/types.js';

// What `skewless plan` / `apply` decide for every kind of object, read from the plan a user sees
// and from the registry apply would write: creations, updates with the changed property named,
// deletions on a full apply only, and the notes on new versions of a served view.
const user = new Entity({ name: 'user_id', valueType: Str });
const src = new FileSource({ name: 'clicks_src', path: 'data/clicks', timestampField: 'ts' });
const clicks = (version = 1, extra: Field[] = []) =>
  new FeatureView({ name: 'clicks', version, entities: [user], ttl: { days: 1 }, schema: [new Field({ name: 'n', dtype: Int64 }), ...extra], source: src });
const req = new RequestSource({ name: 'req', schema: [new Field({ name: 'bonus', dtype: Int64 })] });
const boosted = (dtype: DTypeInput = Int64, view = clicks()) =>
  new OnDemandFeatureView({
    name: 'boosted',
    sources: [view.select('n'), req],
    schema: [new Field({ name: 'b', dtype })],
    transform: (c) => ({ b: c.n.map((n, i) => ((n as number) ?? 0) + (c.bonus[i] as number)) }),
  });
const service = (view = clicks()) => new FeatureService({ name: 'svc', features: [view] });

const applied = (defs: unknown[], current: RegistryData = emptyRegistry('p'), promote = false) => planApply(current, toRepoSpecs(defs as never), { promote });
const summary = (p: ReturnType<typeof planApply>) => p.changes.map((c) => `${c.op} ${c.type} ${c.name}`);

describe('plan: every kind of object', () => {
  const all = [user, src, clicks(), boosted(), service()];
  const base = applied(all).next;

  it('creates each object once, and a second apply of the same repo changes nothing', () => {
    expect(summary(applied(all)).sort()).toEqual(
      [
        'Created data source clicks_src',
        'Created entity user_id',
        'Created feature service svc',
        'Created feature view clicks@v1',
        'Created on demand feature view boosted',
      ].sort(),
    );
    expect(applied(all, base).changes).toEqual([]);
    expect(formatPlan(applied(all, base))).toBe('No changes to registry');
  });

  it('deletes on a full apply what the repo no longer declares — entity, source, on-demand view, service — and keeps them on a partial one', () => {
    const other = new Entity({ name: 'shop', valueType: Int64 });
    const full = applied([other], base);
    expect(
      summary(full)
        .filter((s) => s.startsWith('Deleted'))
        .sort(),
    ).toEqual(
      [
        'Deleted data source clicks_src',
        'Deleted entity user_id',
        'Deleted feature service svc',
        'Deleted feature view clicks@v1',
        'Deleted on demand feature view boosted',
      ].sort(),
    );
    expect(Object.keys(full.next.entities)).toEqual(['shop']);
    expect(full.next.dataSources).toEqual({});
    expect(full.next.onDemandFeatureViews).toEqual({});
    expect(full.next.featureServices).toEqual({});

    const partial = planApply(base, toRepoSpecs([other]), { partial: true });
    expect(summary(partial)).toEqual(['Created entity shop']);
    expect(Object.keys(partial.next.entities).sort()).toEqual(['shop', 'user_id']);
    expect(Object.keys(partial.next.onDemandFeatureViews)).toEqual(['boosted']);
    expect(Object.keys(partial.next.dataSources)).toEqual(['clicks_src']);
  });

  it('names the changed input or feature of an on-demand view, and writes the new spec', () => {
    const p = applied([user, src, clicks(), boosted(Float64), service()], base);
    expect(summary(p)).toEqual(['Updated on demand feature view boosted']);
    expect(p.changes[0].properties.map((x) => x.path)).toContain('features.b.dtype');
    expect(p.next.onDemandFeatureViews.boosted.features).toEqual([expect.objectContaining({ name: 'b', dtype: 'Float64' })]);
    expect(formatPlan(p)).toContain('features.b.dtype: "Int64" -> "Float64"');
  });

  it('keys on-demand inputs by view version and request source, so a re-pointed input is named', () => {
    const v2 = clicks(2);
    const p = applied([user, src, clicks(), v2, boosted(Int64, v2), service()], base, true);
    const od = p.changes.find((c) => c.type === 'on demand feature view')!;
    expect(od.properties.map((x) => x.path).sort()).toEqual(['inputs.clicks@v1', 'inputs.clicks@v2'].sort());
    expect(formatPlan(p)).toMatch(/inputs\.clicks@v1: \{"n":"Int64"\} -> \(none\)/);
    // The request source is keyed `request:<name>` and unchanged, so it is not listed.
    expect(formatPlan(p)).not.toContain('request:req');
  });

  it('reads a registry written before on-demand views existed', () => {
    const old = structuredClone(base) as Partial<RegistryData>;
    delete old.onDemandFeatureViews;
    const p = applied(all, old as RegistryData);
    expect(summary(p)).toEqual(['Created on demand feature view boosted']);
    expect(Object.keys(p.next.onDemandFeatureViews)).toEqual(['boosted']);
  });

  it('updates an entity in place and says which property changed', () => {
    const shop = (description?: string) => new Entity({ name: 'shop', valueType: Int64, ...(description ? { description } : {}) });
    const before = applied([...all, shop()]).next;
    const p = applied([...all, shop('the store')], before);
    expect(summary(p)).toEqual(['Updated entity shop']);
    expect(p.changes[0].properties.map((x) => x.path)).toEqual(['description']);
    expect(p.next.entities.shop.description).toBe('the store');
  });
});

describe('plan: new versions of a served view', () => {
  const v1 = applied([user, src, clicks(1), service(clicks(1))]).next;

  it('keeps a new version inactive until promoted, naming the version still served', () => {
    const p = applied([user, src, clicks(1), clicks(2), service(clicks(1))], v1);
    const created = p.changes.find((c) => c.name === 'clicks@v2')!;
    expect(created.note).toBe(
      'new version, inactive until `skewless promote clicks@v2`: v1 stays served to `clicks:feature` references and feature services; materialize clicks@v2 first',
    );
    expect(p.next.featureViews['clicks@v2'].status).toBe('inactive');
    expect(p.next.featureViews['clicks@v1'].status).toBe('active');
  });

  it('activates it at once with --promote, saying the older versions stay readable', () => {
    const p = applied([user, src, clicks(1), clicks(2), service(clicks(1))], v1, true);
    expect(p.changes.find((c) => c.name === 'clicks@v2')!.note).toBe('new version, promoted; v1 stays readable until deprecated and deleted');
    expect(p.next.featureViews['clicks@v2'].status).toBe('active');
  });

  it('lists every older version, and counts only versions of the same view', () => {
    const other = new FeatureView({ name: 'views', entities: [user], ttl: { days: 1 }, schema: [new Field({ name: 'n', dtype: Int64 })], source: src });
    const two = applied([user, src, clicks(1), clicks(2), other, service(clicks(1))], v1, true).next;
    const p = applied([user, src, clicks(1), clicks(2), clicks(3), other, service(clicks(1))], two, true);
    expect(p.changes.find((c) => c.name === 'clicks@v3')!.note).toBe('new version, promoted; v1, v2 stay readable until deprecated and deleted');
    // A brand-new view has no older versions and no note, whatever other views exist.
    expect(applied([user, src, clicks(1), other], v1).changes.find((c) => c.name === 'views@v1')).not.toHaveProperty('note');
  });

  it('does not hold back a new version when no older one is active (nothing is served yet)', () => {
    const deprecated = structuredClone(v1);
    deprecated.featureViews['clicks@v1'].status = 'deprecated';
    const p = applied([user, src, clicks(1), clicks(2), service(clicks(1))], deprecated);
    expect(p.next.featureViews['clicks@v2'].status).toBe('active');
    expect(p.changes.find((c) => c.name === 'clicks@v2')!.note).toBe('new version; v1 stays readable until deprecated and deleted');
  });

  it('keeps the status of an existing version when its compatible change is applied', () => {
    const deprecated = structuredClone(v1);
    deprecated.featureViews['clicks@v1'].status = 'deprecated';
    const wider = clicks(1, [new Field({ name: 'm', dtype: Int64 })]);
    const p = applied([user, src, wider, service(wider)], deprecated);
    expect(summary(p)).toEqual(['Updated feature view clicks@v1', 'Updated feature service svc']);
    expect(p.next.featureViews['clicks@v1'].status).toBe('deprecated');
    expect(p.changes[0].breaking).toBe(false);
    expect(formatPlan(p)).toContain('projections.clicks@v1: "n" -> "n, m"');
  });
});
