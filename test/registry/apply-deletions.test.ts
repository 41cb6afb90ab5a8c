import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Entity, FeatureService, FeatureView, Field, FileSource, Int64 } from '../../shared/definitions/index.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { apply } from '../../shared/services/apply.js';
import { tempDir } from '../helpers/tmp.js';

// What apply deletes: a full apply removes the views (and their materialization records) that the
// repo no longer declares; a partial apply (programmatic, some objects only) deletes nothing else.
const user = new Entity({ name: 'user_id' });
const view = (name: string) =>
  new FeatureView({
    name,
    entities: [user],
    ttl: 60,
    schema: [new Field({ name: 'x', dtype: Int64 })],
    source: new FileSource({ name: `${name}_src`, path: `data/${name}`, timestampField: 'ts' }),
  });
const [a, b, c] = [view('a'), view('b'), view('c')];
const svc = new FeatureService({ name: 'svc', features: [a] });
const now = new Date('2024-01-01T00:00:00Z');

describe('apply: deletions', () => {
  let tmp = tempDir();
  afterEach(() => (tmp.cleanup(), (tmp = tempDir())));
  const store = () => new LocalRegistryStore(join(tmp.dir, 'registry.json'));

  it('deletes a view the repo no longer declares, with its source and materialization record', async () => {
    const s = store();
    await apply(s, 'p', toRepoSpecs([a, b, svc]), now);
    await s.update((cur) => {
      const next = structuredClone(cur!);
      next.materializations['b@v1'] = { intervals: [{ start: now.toISOString(), end: now.toISOString(), rows: 1, completedAt: now.toISOString() }] };
      return { next, result: undefined };
    });
    const p = await apply(s, 'p', toRepoSpecs([a, svc]), now);
    expect(p.changes).toContainEqual(expect.objectContaining({ op: 'Deleted', type: 'feature view', name: 'b@v1' }));
    const reg = (await s.read())!;
    expect(Object.keys(reg.featureViews)).toEqual(['a@v1']);
    expect(reg.materializations['b@v1']).toBeUndefined();
    expect(Object.keys(reg.dataSources)).toEqual(['a_src']);
    expect(Object.keys(reg.featureServices)).toEqual(['svc']);
  });

  it('refuses to delete a view a feature service still reads, and changes nothing', async () => {
    const s = store();
    await apply(s, 'p', toRepoSpecs([a, b, svc]), now);
    const before = await s.read();
    await expect(apply(s, 'p', { ...toRepoSpecs([b]), featureServices: toRepoSpecs([svc]).featureServices }, now)).rejects.toThrow(
      /feature service 'svc' references a@v1, which is not registered/,
    );
    expect(await s.read()).toEqual(before);
  });

  it('a partial apply adds what it is given and deletes nothing else', async () => {
    const s = store();
    await apply(s, 'p', toRepoSpecs([a, b, svc]), now);
    const p = await apply(s, 'p', toRepoSpecs([c]), now, { partial: true });
    expect(p.changes.filter((x) => x.op === 'Deleted')).toEqual([]);
    const reg = (await s.read())!;
    expect(Object.keys(reg.featureViews).sort()).toEqual(['a@v1', 'b@v1', 'c@v1']);
    expect(Object.keys(reg.featureServices)).toEqual(['svc']);
    expect(Object.keys(reg.entities)).toEqual(['user_id']);
    expect(Object.keys(reg.dataSources).sort()).toEqual(['a_src', 'b_src', 'c_src']);
  });
});
