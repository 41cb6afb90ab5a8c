import { describe, expect, it } from 'vitest';
import {
  Entity,
  FeatureService,
  FeatureView,
  Field,
  FileSource,
  Int64,
  OnDemandFeatureView,
  PushSource,
  RequestSource,
  String as Str,
  parseDurationSeconds,
} from '../../shared/definitions/index.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';

const user = new Entity({ name: 'user_id', valueType: Str });
const src = new FileSource({ path: 'data/x.parquet', timestampField: 'ts' });
const schema = [new Field({ name: 'a', dtype: Int64 })];

describe('Definitions DSL: strict options', () => {
  it('refuses TTL objects with unknown keys instead of reading them as 0 (unbounded)', () => {
    expect(parseDurationSeconds({ weeks: 1 } as never)).toBeUndefined();
    expect(parseDurationSeconds({ day: 7 } as never)).toBeUndefined();
    expect(parseDurationSeconds({} as never)).toBeUndefined();
    expect(() => new FeatureView({ name: 'v', entities: [user], ttl: { weeks: 1 } as never, schema, source: src })).toThrow(
      /FeatureView 'v': ttl: expected a duration/,
    );
    expect(() => new FeatureView({ name: 'v', entities: [user], ttl: { day: 7 } as never, schema, source: src })).toThrow(
      /FeatureView 'v': ttl: expected a duration/,
    );
  });

  it('refuses unknown options on every definition, naming the object and the option', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => new Entity({ name: 'e', valuetype: Str } as never), /Entity 'e': valuetype: unknown option; expected one of name, joinKeys, valueType/],
      [() => new Field({ name: 'f', dtype: Int64, desc: 'x' } as never), /Field 'f': desc: unknown option/],
      [() => new FileSource({ name: 's', path: 'p', timestampField: 'ts', timestamp_field: 'ts' } as never), /FileSource 's': timestamp_field: unknown option/],
      [() => new PushSource({ name: 'p', batchSource: src, batch_source: src } as never), /PushSource 'p': batch_source: unknown option/],
      [
        () => new FeatureView({ name: 'v', entities: [user], tll: { days: 1 }, schema, source: src } as never),
        /FeatureView 'v': tll: unknown option; expected one of name, entities, ttl/,
      ],
      [
        () => new FeatureView({ name: 'v', entities: [user], schema, source: src, batch: { input: 'x', compute: async () => 0, output: 'y' } } as never),
        /FeatureView 'v': batch\.output: unknown option; expected one of input, compute/,
      ],
      [() => new RequestSource({ name: 'r', schema, fields: [] } as never), /RequestSource 'r': fields: unknown option/],
      [
        () =>
          new OnDemandFeatureView({
            name: 'o',
            sources: [new FeatureView({ name: 'w', entities: [user], schema, source: src })],
            schema,
            transform: (c: Record<string, unknown[]>) => c,
            mode: 'pandas',
          } as never),
        /OnDemandFeatureView 'o': mode: unknown option/,
      ],
      [
        () => new FeatureService({ name: 's', features: [new FeatureView({ name: 'w', entities: [user], schema, source: src })], feature: [] } as never),
        /FeatureService 's': feature: unknown option/,
      ],
    ];
    for (const [make, message] of cases) expect(make).toThrow(message);
  });

  it('refuses an on demand view named like a feature view, naming both', () => {
    const v = new FeatureView({ name: 'shared_name', entities: [user], schema, source: src });
    const o = new OnDemandFeatureView({ name: 'shared_name', sources: [v], schema: [new Field({ name: 'b', dtype: Int64 })], transform: (c) => ({ b: c.a }) });
    expect(() => toRepoSpecs([v, o])).toThrow(/OnDemandFeatureView 'shared_name': name: feature view 'shared_name@v1' has the same name/);
  });

  it('says "defined twice" for two different views under one name and version', () => {
    const a = new FeatureView({ name: 'v', entities: [user], schema, source: src });
    const b = new FeatureView({ name: 'v', entities: [user], schema, source: src, ttl: 60 });
    expect(() => toRepoSpecs([a, b])).toThrow(/v@v1 is defined twice/);
  });
});
