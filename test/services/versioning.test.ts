import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Entity, FeatureService, FeatureView, Field, FileSource, Float64, Int64, String as Str } from '../../shared/definitions/index.js';
import { ConflictError, NotFoundError } from '../../shared/errors.js';
import { formatPlan } from '../../shared/registry/plan.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { writeParquet } from '../helpers/write-parquet.js';

const day = (d: number) => new Date(Date.UTC(2024, 2, d));

describe('Schema versioning: a full migration v1 → v2', () => {
  const tmp = tempDir();
  const clock = { now: day(10) };
  const store = openTestStore(tmp.dir, clock);
  afterAll(async () => (await store.close(), tmp.cleanup()));

  const user = new Entity({ name: 'user_id', valueType: Str });
  const v1 = new FeatureView({
    name: 'activity',
    entities: [user],
    ttl: { days: 7 },
    version: 1,
    schema: [new Field({ name: 'sessions', dtype: Int64 }), new Field({ name: 'model', dtype: Str })],
    source: new FileSource({ name: 'activity_v1', path: 'data/v1', timestampField: 'ts' }),
  });
  // v2 retypes `sessions` (breaking) and reads a new source.
  const v2 = new FeatureView({
    name: 'activity',
    entities: [user],
    ttl: { days: 7 },
    version: 2,
    schema: [new Field({ name: 'sessions', dtype: Float64 }), new Field({ name: 'model', dtype: Str })],
    source: new FileSource({ name: 'activity_v2', path: 'data/v2', timestampField: 'ts' }),
  });
  const serviceOn = (v: FeatureView) => new FeatureService({ name: 'churn', features: [v] });
  const lookup = (ref: string) => store.getOnlineFeatures({ features: [ref], entities: { user_id: ['a'] } });

  it('serves v1', async () => {
    await writeParquet(
      join(tmp.dir, 'data/v1/p.parquet'),
      [
        { name: 'user_id', type: 'VARCHAR' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'sessions', type: 'BIGINT' },
        { name: 'model', type: 'VARCHAR' },
      ],
      [{ user_id: 'a', ts: day(9), sessions: 3, model: 'm' }],
    );
    await store.apply([v1, serviceOn(v1)]);
    await store.materialize({ start: day(1), end: day(10) });
    expect((await lookup('activity:sessions')).results[1].values).toEqual([3]);
  });

  it('refuses the breaking change on v1 itself, naming the consumer and the fix', async () => {
    const retyped = new FeatureView({ name: 'activity', entities: [user], ttl: { days: 7 }, version: 1, schema: [...v2.schema], source: v1.source });
    const plan = await store.plan([retyped, serviceOn(retyped)]);
    expect(formatPlan(plan)).toContain(`features.sessions.dtype: "Int64" -> "Float64"  [BREAKING: retypes field 'sessions']`);
    expect(formatPlan(plan)).toContain('consumers affected: churn');
    await expect(store.apply([retyped, serviceOn(retyped)])).rejects.toThrow(/set `version: 2`/);
  });

  it('adds v2 beside v1, backfills it, and both stay readable online and offline', async () => {
    await writeParquet(
      join(tmp.dir, 'data/v2/p.parquet'),
      [
        { name: 'user_id', type: 'VARCHAR' },
        { name: 'ts', type: 'TIMESTAMP' },
        { name: 'sessions', type: 'DOUBLE' },
        { name: 'model', type: 'VARCHAR' },
      ],
      [{ user_id: 'a', ts: day(9), sessions: 3.5, model: 'm2' }],
    );
    const plan = await store.apply([v1, v2, serviceOn(v1)]);
    expect(plan.changes.map((c) => `${c.op} ${c.name}`)).toContain('Created activity@v2');
    const [res] = await store.materialize({ start: day(1), end: day(10), views: ['activity@v2'] });
    expect(res).toMatchObject({ view: 'activity@v2', written: 1 });
    // v2 is inactive until promoted: unversioned references still read v1.
    expect((await lookup('activity:sessions')).results[1].values).toEqual([3]);
    await store.promote('activity@v2');
    expect((await lookup('activity:sessions')).results[1].values).toEqual([3.5]);
    expect((await lookup('activity@v1:sessions')).results[1].values).toEqual([3]);
    const hist = await store.getHistoricalFeatures({
      entity: { rows: [{ user_id: 'a', event_timestamp: day(10) }] },
      features: ['activity@v1:sessions', 'activity@v2:model'],
    });
    expect(hist.rows![0]).toMatchObject({ sessions: 3, model: 'm2' });
  });

  it('refuses to deprecate v1 while a feature service uses it', async () => {
    const err = await store.deprecate('activity@v1').catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/feature service\(s\) churn still reference it/);
    await expect(store.deleteVersion('activity@v1')).rejects.toThrow(/deprecate it first/);
  });

  it('moves consumers, deprecates v1 (still served, with a warning), then deletes it', async () => {
    await store.apply([v2, serviceOn(v2)]);
    expect((await store.getOnlineFeatures({ featureService: 'churn', entities: { user_id: ['a'] } })).results[1].values).toEqual([3.5]);
    await store.deprecate('activity@v1');
    const old = await lookup('activity@v1:sessions');
    expect(old.results[1].values).toEqual([3]);
    expect(old.metadata.warnings).toEqual(['activity@v1 is deprecated: move consumers to a newer version']);
    expect((await lookup('activity:sessions')).metadata.warnings).toBeUndefined();
    await store.deleteVersion('activity@v1');
    await expect(lookup('activity@v1:sessions')).rejects.toThrow(NotFoundError);
    expect(Object.keys((await store.registryDump())!.featureViews)).toEqual(['activity@v2']);
    expect((await store.freshness()).map((f) => `${f.view}@v${f.version}`)).toEqual(['activity@v2']);
  });
});

describe('Schema versioning: a new version is inactive until promoted', () => {
  const tmp = tempDir();
  const clock = { now: day(10) };
  const store = openTestStore(tmp.dir, clock);
  afterAll(async () => (await store.close(), tmp.cleanup()));

  const user = new Entity({ name: 'user_id', valueType: Str });
  const view = (version: number, path: string) =>
    new FeatureView({
      name: 'activity',
      entities: [user],
      ttl: { days: 7 },
      version,
      schema: [new Field({ name: 'sessions', dtype: version === 1 ? Int64 : Float64 })],
      source: new FileSource({ name: `activity_v${version}`, path, timestampField: 'ts' }),
    });
  const v1 = view(1, 'data/v1');
  const v2 = view(2, 'data/v2');
  const service = (v: FeatureView) => new FeatureService({ name: 'churn', features: [v] });
  const bySession = async () => (await store.getOnlineFeatures({ featureService: 'churn', entities: { user_id: ['a'] } })).results[1].values;

  it('keeps services and unversioned references on v1 after `version: 2` until v2 is promoted, and plan says so', async () => {
    const cols = (type: 'BIGINT' | 'DOUBLE') => [
      { name: 'user_id', type: 'VARCHAR' as const },
      { name: 'ts', type: 'TIMESTAMP' as const },
      { name: 'sessions', type },
    ];
    await writeParquet(join(tmp.dir, 'data/v1/p.parquet'), cols('BIGINT'), [{ user_id: 'a', ts: day(9), sessions: 3 }]);
    await writeParquet(join(tmp.dir, 'data/v2/p.parquet'), cols('DOUBLE'), [{ user_id: 'a', ts: day(9), sessions: 3.5 }]);
    await store.apply([v1, service(v1)]);
    await store.materialize({ start: day(1), end: day(10) });
    // The user edits the view in place: the service now names v2.
    const text = formatPlan(await store.plan([v2, service(v2)]));
    expect(text).toContain('Created feature view activity@v2 (new version, inactive until `skewless promote activity@v2`: v1 stays served');
    await store.apply([v2, service(v2)]);
    expect(await bySession()).toEqual([3]);
    expect((await store.getOnlineFeatures({ features: ['activity:sessions'], entities: { user_id: ['a'] } })).results[1].values).toEqual([3]);
  });

  it('refuses to promote v2 before it has online data covering its ttl, then promotes it', async () => {
    await expect(store.promote('activity@v2')).rejects.toThrow(/cannot promote activity@v2 has no online data yet: materialize it first/);
    await store.materialize({ start: day(8), end: day(10), views: ['activity@v2'] });
    await expect(store.promote('activity@v2')).rejects.toThrow(/less than its ttl .* materialize from 2024-03-03T00:00:00.000Z first/);
    await store.materialize({ start: day(1), end: day(10), views: ['activity@v2'] });
    await store.promote('activity@v2');
    expect(await bySession()).toEqual([3.5]);
  });

  it('apply with promote makes a new version active at once', async () => {
    const v3 = view(3, 'data/v2');
    await store.apply([v3, service(v3)], { promote: true });
    expect((await store.registryDump())!.featureViews['activity@v3'].status).toBe('active');
  });
});
