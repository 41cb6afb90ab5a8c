import { describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import { classifyViewChanges } from '../../shared/registry/compatibility.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import type { FeatureViewSpec } from '../../shared/registry/types.js';

// Every compatibility rule of docs (versioning): one row per rule, each checked on its own so that
// forcing any single rule to "compatible" (or "breaking") fails exactly one case.
const user = new Entity({ name: 'user_id', valueType: Str });
const account = new Entity({ name: 'account_id', valueType: Str });
const userInt = new Entity({ name: 'user_id', valueType: Int64 });
const fields = () => [new Field({ name: 'a', dtype: Int64 }), new Field({ name: 'b', dtype: Int64 })];
const files = (o: Partial<{ path: string; timestampField: string; createdTimestampColumn: string; fieldMapping: Record<string, string> }> = {}) =>
  new FileSource({
    name: 'src',
    path: o.path ?? 'data/a',
    timestampField: o.timestampField ?? 'ts',
    createdTimestampColumn: o.createdTimestampColumn ?? 'created',
    fieldMapping: o.fieldMapping ?? {},
  });

type ViewOptions = ConstructorParameters<typeof FeatureView>[0];
const spec = (over: Partial<ViewOptions> = {}): FeatureViewSpec =>
  toRepoSpecs([new FeatureView({ name: 'v', entities: [user], ttl: 3600, schema: fields(), source: files(), ...over })]).featureViews[0];

const base = spec();
const classify = (next: FeatureViewSpec) => classifyViewChanges(base, next);
const breakingReasons = (next: FeatureViewSpec) =>
  classify(next)
    .filter((c) => c.breaking)
    .map((c) => c.reason);

describe('Function: classifyViewChanges', () => {
  const breaking: [string, FeatureViewSpec, RegExp][] = [
    ['removing a field', spec({ schema: [new Field({ name: 'a', dtype: Int64 })] }), /removes field 'b'/],
    ['retyping a field', spec({ schema: [new Field({ name: 'a', dtype: Float64 }), new Field({ name: 'b', dtype: Int64 })] }), /retypes field 'a'/],
    ['changing the entity', spec({ entities: [account] }), /changes the entities/],
    ['retyping the join key', spec({ entities: [userInt] }), /changes the entities/],
    ['adding an entity', spec({ entities: [user, account] }), /changes the entities/],
    ['changing the timestamp column', spec({ source: files({ timestampField: 'ts2' }) }), /timestamp semantics/],
    ['changing the created-timestamp column', spec({ source: files({ createdTimestampColumn: 'created2' }) }), /timestamp semantics/],
    ['changing the field mapping', spec({ source: files({ fieldMapping: { col_a: 'a' } }) }), /which source column feeds a feature/],
    ['changing the source kind', spec({ source: new PushSource({ name: 'push', batchSource: files() }) }), /kind of source/],
    ['turning online serving off', spec({ online: false }), /stops online serving/],
  ];
  it.each(breaking)('marks %s as BREAKING, with its reason', (_, next, reason) => {
    const reasons = breakingReasons(next);
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.some((r) => reason.test(r))).toBe(true);
  });

  const pushBase = spec({ source: new PushSource({ name: 'push', batchSource: files() }) });
  it.each([
    ['timestamp column', files({ timestampField: 'other' }), /timestamp semantics/],
    ['created-timestamp column', files({ createdTimestampColumn: 'other' }), /timestamp semantics/],
    ['field mapping', files({ fieldMapping: { x: 'a' } }), /which source column/],
  ] as const)("marks a change of a push source's batch %s as BREAKING", (_, batch, reason) => {
    const next = spec({ source: new PushSource({ name: 'push', batchSource: batch }) });
    const reasons = classifyViewChanges(pushBase, next)
      .filter((c) => c.breaking)
      .map((c) => c.reason);
    expect(reasons.some((r) => reason.test(r))).toBe(true);
  });

  const compatible: [string, FeatureViewSpec][] = [
    ['adding a field', spec({ schema: [...fields(), new Field({ name: 'c', dtype: Int64 })] })],
    ['changing the ttl', spec({ ttl: 7200 })],
    ['adding a tag', spec({ tags: { team: 'x' } })],
    ['changing the description', spec({ description: 'new words' })],
    ['changing the owner', spec({ owner: 'me@example.com' })],
    ['changing the storage path', spec({ source: files({ path: 'data/b' }) })],
    ["changing a field's description", spec({ schema: [new Field({ name: 'a', dtype: Int64, description: 'why' }), new Field({ name: 'b', dtype: Int64 })] })],
  ];
  it.each(compatible)('marks %s as compatible', (_, next) => {
    const changes = classify(next);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.filter((c) => c.breaking)).toEqual([]);
  });

  it('marks turning online serving back on as compatible', () => {
    const offlineOnly = spec({ online: false });
    const changes = classifyViewChanges(offlineOnly, base);
    expect(changes.map((c) => [c.path, c.breaking])).toEqual([['online', false]]);
  });

  it('names the field it adds, removes or retypes, and reports nothing for an identical view', () => {
    expect(classify(spec())).toEqual([]);
    expect(classify(spec({ schema: [...fields(), new Field({ name: 'c', dtype: Int64 })] })).map((c) => c.reason)).toEqual(["adds field 'c'"]);
  });
});
