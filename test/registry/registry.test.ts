import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Entity, FeatureService, FeatureView, Field, FileSource, Float64, Int64 } from '../../shared/definitions/index.js';
import { ConflictError } from '../../shared/errors.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { formatPlan } from '../../shared/registry/plan.js';
import { Registry } from '../../shared/registry/registry.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { apply, plan } from '../../shared/services/apply.js';
import { seededRandom } from '../../shared/util/random.js';
import { tempDir } from '../helpers/tmp.js';

const user = new Entity({ name: 'user_id' });
const src = new FileSource({ name: 'src', path: 'data/a', timestampField: 'ts' });
const view = (o: { version?: number; ttl?: number; fields?: Field[]; tags?: Record<string, string> } = {}) =>
  new FeatureView({
    name: 'activity',
    entities: [user],
    ttl: o.ttl ?? 3600,
    version: o.version ?? 1,
    source: src,
    tags: o.tags ?? {},
    schema: o.fields ?? [new Field({ name: 'a', dtype: Int64 }), new Field({ name: 'b', dtype: Int64 })],
  });
const now = new Date('2024-01-01T00:00:00Z');

describe('Registry: plan and apply', () => {
  let tmp = tempDir();
  afterEach(() => (tmp.cleanup(), (tmp = tempDir())));
  const store = () => new LocalRegistryStore(join(tmp.dir, 'registry.json'));

  it('plans creations, then "No changes", without writing anything', async () => {
    const s = store();
    const p = await plan(s, 'p', toRepoSpecs([view()]));
    expect(formatPlan(p)).toBe(['Created entity user_id', 'Created data source src', 'Created feature view activity@v1'].join('\n'));
    expect(await s.read()).toBeUndefined();
    await apply(s, 'p', toRepoSpecs([view()]), now);
    expect(formatPlan(await plan(s, 'p', toRepoSpecs([view()])))).toBe('No changes to registry');
  });

  it('shows updated properties as "path: old -> new" with their compatibility, and deletions', async () => {
    const s = store();
    await apply(s, 'p', toRepoSpecs([view()]), now);
    const p = await plan(
      s,
      'p',
      toRepoSpecs([
        view({
          ttl: 7200,
          tags: { team: 'x' },
          fields: [new Field({ name: 'a', dtype: Int64 }), new Field({ name: 'b', dtype: Int64 }), new Field({ name: 'c', dtype: Int64 })],
        }),
      ]),
    );
    const text = formatPlan(p);
    expect(text).toContain('Updated feature view activity@v1');
    expect(text).toContain('  ttlSeconds: 3600 -> 7200  [compatible');
    expect(text).toContain('  features.c: (none) -> {"name":"c"');
    expect(text).toContain("[compatible: adds field 'c']");
    expect(text).toContain('  tags.team: (none) -> "x"');
    const del = await plan(s, 'p', toRepoSpecs([user]));
    expect(formatPlan(del)).toContain('Deleted feature view activity@v1');
  });

  it('refuses a breaking change on the same version and says how to register a new one', async () => {
    const s = store();
    await apply(s, 'p', toRepoSpecs([view(), new FeatureService({ name: 'svc', features: [view()] })]), now);
    const retyped = view({ fields: [new Field({ name: 'a', dtype: Float64 }), new Field({ name: 'b', dtype: Int64 })] });
    const p = await plan(s, 'p', toRepoSpecs([retyped]));
    expect(formatPlan(p)).toMatch(/features\.a\.dtype: "Int64" -> "Float64" {2}\[BREAKING: retypes field 'a'\]\n {2}consumers affected: svc/);
    expect(() => toRepoSpecs([retyped, new FeatureService({ name: 'svc', features: [view()] })])).toThrow(/activity@v1 is defined twice/);
    const err = await apply(s, 'p', toRepoSpecs([retyped, new FeatureService({ name: 'svc', features: [retyped] })]), now).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/set `version: 2` in FeatureView 'activity'/);
    expect(err.message).toMatch(/consumers: svc/);
    // Nothing changed.
    expect((await s.read())!.featureViews['activity@v1'].features[0].dtype).toBe('Int64');
  });

  it('keeps old versions alive beside a new one; unversioned references mean the latest active', async () => {
    const s = store();
    await apply(s, 'p', toRepoSpecs([view()]), now);
    const v2 = view({ version: 2, fields: [new Field({ name: 'a', dtype: Float64 })] });
    const p = await apply(s, 'p', toRepoSpecs([v2]), now, { promote: true });
    expect(formatPlan(p)).toContain('Created feature view activity@v2 (new version, promoted; v1 stays readable');
    const reg = new Registry((await s.read())!);
    expect(Object.keys(reg.data.featureViews).sort()).toEqual(['activity@v1', 'activity@v2']);
    expect(reg.view('activity').version).toBe(2);
    expect(reg.resolveRefs(['activity@v1:b']).views[0].key).toBe('activity@v1');
    expect(() => reg.resolveRefs(['activity:b'])).toThrow(/feature 'activity@v2:b' not found/);
  });

  it('loses no update when 10 processes apply different views concurrently', async () => {
    const worker = join(import.meta.dirname, '../helpers/apply-worker.ts');
    const register = join(import.meta.dirname, '../../cli/register.js');
    const runs = Array.from(
      { length: 10 },
      (_, i) =>
        new Promise<number>((resolve, reject) => {
          const p = spawn(process.execPath, ['--import', register, worker, tmp.dir, String(i)], { stdio: ['ignore', 'ignore', 'pipe'] });
          let err = '';
          p.stderr.on('data', (d) => (err += d));
          p.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`worker ${i} exited ${code}: ${err}`))));
        }),
    );
    await Promise.all(runs);
    const data = (await store().read())!;
    expect(Object.keys(data.featureViews).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `view_${i}@v1`).sort());
    expect(data.serial).toBe(10);
  }, 60_000);
});

describe('Registry: resolveRefs memo', () => {
  let tmp = tempDir();
  afterEach(() => (tmp.cleanup(), (tmp = tempDir())));

  it('answers every call for its own references, however calls alternate or callers reuse their arrays', async () => {
    const s = new LocalRegistryStore(join(tmp.dir, 'registry.json'));
    await apply(s, 'p', toRepoSpecs([view()]), now);
    const data = (await s.read())!;
    const memoized = new Registry(data);
    const lists = [['activity:a'], ['activity:b'], ['activity:a', 'activity:b'], ['activity:b', 'activity:a'], ['activity@v1:a'], ['activity:a', 'activity:a']];
    // The oracle: a registry of its own per call, so nothing is remembered between calls.
    const fresh = (refs: string[], full: boolean) => new Registry(data).resolveRefs(refs, full).outputs;
    const rand = seededRandom(13);
    for (let i = 0; i < 300; i++) {
      // A new array each time, as a parsed request body gives.
      const refs = [...lists[Math.floor(rand() * lists.length)]];
      const full = rand() < 0.3;
      expect(memoized.resolveRefs(refs, full).outputs, `call ${i}: ${refs.join(',')} full=${full}`).toEqual(fresh(refs, full));
    }
    // A caller that changes the array it passed gets the answer for what the array now holds.
    const reused = ['activity:a'];
    expect(memoized.resolveRefs(reused).outputs.map((o) => o.feature)).toEqual(['a']);
    reused[0] = 'activity:b';
    expect(memoized.resolveRefs(reused).outputs.map((o) => o.feature)).toEqual(['b']);
    // A reference holding a separator is refused, not taken for the two references it joins.
    memoized.resolveRefs(['activity:a', 'activity:b']);
    memoized.resolveRefs(['activity:b']);
    expect(() => memoized.resolveRefs(['activity:a\u0000activity:b'])).toThrow(/invalid feature reference/);
    // The same list again is the same object (what per-request plans are keyed by).
    expect(memoized.resolveRefs(['activity:a', 'activity:b'])).toBe(memoized.resolveRefs(['activity:a', 'activity:b']));
  });
});
