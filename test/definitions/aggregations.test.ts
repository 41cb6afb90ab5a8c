import { describe, expect, it } from 'vitest';
import {
  aggregationDType,
  ArrayOf,
  Bool,
  defaultAggregationInterval,
  Entity,
  FeatureView,
  Field,
  FileSource,
  Float32,
  Float64,
  Int32,
  Int64,
  PushSource,
  String as Str,
  UnixTimestamp,
  type AggregationOptions,
} from '../../shared/definitions/index.js';
import { classifyViewChanges } from '../../shared/registry/compatibility.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import type { FeatureViewSpec } from '../../shared/registry/types.js';
import { DefinitionError } from '../../shared/errors.js';

const user = new Entity({ name: 'user_id', valueType: Str });
const events = new PushSource({ name: 'user_events', batchSource: new FileSource({ path: 'data/events', timestampField: 'event_ts' }) });
const eventSchema = [
  new Field({ name: 'tokens', dtype: Int64 }),
  new Field({ name: 'duration', dtype: Float32 }),
  new Field({ name: 'model', dtype: Str }),
  new Field({ name: 'small', dtype: Int32 }),
  new Field({ name: 'ok', dtype: Bool }),
  new Field({ name: 'at', dtype: UnixTimestamp }),
  new Field({ name: 'tags', dtype: ArrayOf(Str) }),
];
type ViewOptions = ConstructorParameters<typeof FeatureView>[0];
const view = (aggregations: AggregationOptions[], over: Partial<ViewOptions> = {}) =>
  new FeatureView({ name: 'user_agg', entities: [user], source: events, eventSchema, aggregations, ...over });

/** The DefinitionError's field, or the message when something else was thrown. */
function failure(make: () => unknown): string {
  try {
    make();
  } catch (e) {
    // The message is `FeatureView '<name>': <field>: <what>`; the field must also be in details.
    if (e instanceof DefinitionError) return `${e.message.replace(/^FeatureView '\w+': /, '')} [${(e.details as { field: string }).field}]`;
    throw e;
  }
  return 'no error';
}

describe('Aggregation DSL', () => {
  it('derives one feature per aggregation, named <column>_<function>_<window> unless named, typed through the dtype rules', () => {
    const v = view([
      { column: 'tokens', function: 'sum', window: '7d' },
      { column: 'tokens', function: 'mean', window: '1h' },
      { column: 'duration', function: 'sum', window: '90m' },
      { column: 'small', function: 'sum', window: '30m' },
      { function: 'count', window: '1d' },
      { column: 'model', function: 'count_distinct', window: '7d', name: 'models_7d' },
      { column: 'model', function: 'last_n', n: 3, window: '7d' },
      { column: 'at', function: 'max', window: '30d' },
      { column: 'tags', function: 'last', window: '2h' },
    ]);
    expect(v.schema.map((f) => [f.name, f.dtype])).toEqual([
      ['tokens_sum_7d', 'Int64'],
      ['tokens_mean_1h', 'Float64'],
      ['duration_sum_90m', 'Float64'],
      ['small_sum_30m', 'Int64'],
      ['count_1d', 'Int64'],
      ['models_7d', 'Int64'],
      ['model_last_3_7d', 'Array(String)'],
      ['at_max_30d', 'UnixTimestamp'],
      ['tags_last_2h', 'Array(String)'],
    ]);
    expect(v.isAggregation()).toBe(true);
    expect(v.maxWindowSeconds).toBe(30 * 86400);
    // 1h does not divide 90m or 30m: the default tile is the largest size that divides every window.
    expect(v.aggregationIntervalSeconds).toBe(1800);
    expect(v.select('tokens_sum_7d').features).toEqual(['tokens_sum_7d']);
    expect(v.aggregations?.[6]).toEqual({
      name: 'model_last_3_7d',
      column: 'model',
      function: 'last_n',
      windowSeconds: 7 * 86400,
      n: 3,
      dtype: 'Array(String)',
    });
  });

  it('defaults the interval to 1h when it divides every window, and takes a declared one that does', () => {
    expect(view([{ column: 'tokens', function: 'sum', window: '7d' }]).aggregationIntervalSeconds).toBe(3600);
    expect(view([{ column: 'tokens', function: 'sum', window: '7d' }], { aggregationInterval: '15m' }).aggregationIntervalSeconds).toBe(900);
    expect(defaultAggregationInterval([300, 86400])).toBe(300);
    expect(defaultAggregationInterval([])).toBe(3600);
  });

  it('types each function by the rules of the type map, and refuses the pairs that have no meaning', () => {
    expect(aggregationDType('sum', 'Int32')).toEqual({ dtype: 'Int64' });
    expect(aggregationDType('sum', 'Float32')).toEqual({ dtype: 'Float64' });
    expect(aggregationDType('mean', 'Int64')).toEqual({ dtype: 'Float64' });
    expect(aggregationDType('min', 'String')).toEqual({ dtype: 'String' });
    expect(aggregationDType('last', 'Bool')).toEqual({ dtype: 'Bool' });
    expect(aggregationDType('last_n', 'Float64')).toEqual({ dtype: 'Array(Float64)' });
    expect(aggregationDType('count_distinct', 'Bytes')).toEqual({ dtype: 'Int64' });
    expect(aggregationDType('count', undefined)).toEqual({ dtype: 'Int64' });
    expect(aggregationDType('sum', 'String')).toHaveProperty('error');
    expect(aggregationDType('max', 'Bool')).toHaveProperty('error');
    expect(aggregationDType('count_distinct', 'Array(Int64)')).toHaveProperty('error');
    expect(aggregationDType('sum', undefined)).toHaveProperty('error');
  });

  const bad: [string, () => unknown, RegExp][] = [
    ['an unknown function', () => view([{ column: 'tokens', function: 'median' as never, window: '7d' }]), /^aggregations\.0\.function: /],
    [
      'a column not in eventSchema',
      () => view([{ column: 'tokenz', function: 'sum', window: '7d' }]),
      /^aggregations\.0\.column: .*'tokenz' is not in eventSchema/,
    ],
    ['sum over a string', () => view([{ column: 'model', function: 'sum', window: '7d' }]), /^aggregations\.0\.function: .*sum needs a numeric column/],
    ['a window under a minute', () => view([{ column: 'tokens', function: 'sum', window: 30 }]), /^aggregations\.0\.window: .*whole minutes from 1m to 30d/],
    ['a window over 30 days', () => view([{ column: 'tokens', function: 'sum', window: '31d' }]), /^aggregations\.0\.window: /],
    ['a window in odd seconds', () => view([{ column: 'tokens', function: 'sum', window: 90 }]), /^aggregations\.0\.window: /],
    ['a malformed window', () => view([{ column: 'tokens', function: 'sum', window: 'a week' }]), /^aggregations\.0\.window: expected a duration/],
    ['last_n without n', () => view([{ column: 'model', function: 'last_n', window: '7d' }]), /^aggregations\.0\.n: last_n needs n/],
    ['last_n over 10', () => view([{ column: 'model', function: 'last_n', n: 11, window: '7d' }]), /^aggregations\.0\.n: /],
    ['n on another function', () => view([{ column: 'model', function: 'last', n: 2, window: '7d' }]), /^aggregations\.0\.n: n applies to last_n only/],
    ['a column-less sum', () => view([{ function: 'sum', window: '7d' }]), /^aggregations\.0\.column: sum needs a column/],
    [
      'two aggregations with one name',
      () =>
        view([
          { column: 'tokens', function: 'sum', window: '7d' },
          { column: 'duration', function: 'max', window: '1d' },
          { column: 'tokens', function: 'max', window: '1d', name: 'tokens_sum_7d' },
        ]),
      /^aggregations\.2\.name: .*duplicate feature 'tokens_sum_7d'/,
    ],
    [
      'an interval that does not divide a window',
      () =>
        view(
          [
            { column: 'tokens', function: 'sum', window: '1d' },
            { column: 'tokens', function: 'max', window: '90m' },
          ],
          { aggregationInterval: '1h' },
        ),
      /^aggregations\.1\.window: .*90m is not a multiple of aggregationInterval 1h/,
    ],
    ['an interval under a minute', () => view([{ column: 'tokens', function: 'sum', window: '1d' }], { aggregationInterval: 30 }), /^aggregationInterval: /],
    ['a misspelt option', () => view([{ column: 'tokens', function: 'sum', window: '1d', windw: '2d' } as never]), /^aggregations\.0\.windw: unknown option/],
    ['a schema beside aggregations', () => view([{ column: 'tokens', function: 'sum', window: '1d' }], { schema: eventSchema }), /^schema: .*eventSchema/],
    ['a ttl on an aggregation view', () => view([{ column: 'tokens', function: 'sum', window: '1d' }], { ttl: '1d' }), /^ttl: /],
    ['aggregations without eventSchema', () => view([{ function: 'count', window: '1d' }], { eventSchema: undefined }), /^eventSchema: /],
    [
      'a join key as an event column',
      () => view([{ function: 'count', window: '1d' }], { eventSchema: [new Field({ name: 'user_id', dtype: Str })] }),
      /^eventSchema\.0\.name: .*join key/,
    ],
    [
      'eventSchema on a plain view',
      () => new FeatureView({ name: 'v', entities: [user], source: events, schema: eventSchema, eventSchema }),
      /^eventSchema: applies to aggregation views only/,
    ],
    ['neither schema nor aggregations', () => new FeatureView({ name: 'v', entities: [user], source: events }), /^schema: /],
  ];
  it.each(bad)('refuses %s at construction, naming the field', (_what, make, expected) => {
    expect(failure(make)).toMatch(expected);
  });
});

describe('Aggregation registry spec and compatibility', () => {
  const aggs: AggregationOptions[] = [
    { column: 'tokens', function: 'sum', window: '7d' },
    { column: 'model', function: 'last_n', n: 2, window: '1d' },
  ];
  const spec = (a: AggregationOptions[] = aggs, over: Partial<ViewOptions> = {}): FeatureViewSpec => toRepoSpecs([view(a, over)]).featureViews[0];
  const base = spec();

  it('serializes the event columns, the resolved aggregations and the interval, and survives JSON', () => {
    expect(base.features.map((f) => f.name)).toEqual(['tokens_sum_7d', 'model_last_2_1d']);
    expect(base.aggregation).toEqual({
      eventSchema: eventSchema.map((f) => ({ name: f.name, dtype: f.dtype })),
      aggregations: [
        { name: 'tokens_sum_7d', column: 'tokens', function: 'sum', windowSeconds: 604800, dtype: 'Int64' },
        { name: 'model_last_2_1d', column: 'model', function: 'last_n', windowSeconds: 86400, n: 2, dtype: 'Array(String)' },
      ],
      intervalSeconds: 3600,
    });
    expect(JSON.parse(JSON.stringify(base))).toEqual(base);
    const plain = toRepoSpecs([new FeatureView({ name: 'p', entities: [user], source: events, schema: eventSchema })]).featureViews[0];
    expect(plain).not.toHaveProperty('aggregation');
  });

  const reasons = (next: FeatureViewSpec) => classifyViewChanges(base, next).map((c) => `${c.breaking ? 'BREAKING' : 'compatible'}: ${c.reason}`);

  it('classifies adding an aggregation or an event column as compatible', () => {
    expect(reasons(spec([...aggs, { column: 'tokens', function: 'max', window: '1h' }]))).toEqual([
      "compatible: adds aggregation 'tokens_max_1h'",
      "compatible: adds field 'tokens_max_1h'",
    ]);
    expect(reasons(spec(aggs, { eventSchema: [...eventSchema, new Field({ name: 'extra', dtype: Int64 })] }))).toEqual([
      "compatible: adds event column 'extra'",
    ]);
  });

  const breaking: [string, FeatureViewSpec, RegExp][] = [
    ['a changed window', spec([{ ...aggs[0], name: 'tokens_sum_7d', window: '6d' }, aggs[1]]), /^BREAKING: changes the window of aggregation 'tokens_sum_7d'$/],
    [
      'a changed function',
      spec([{ ...aggs[0], name: 'tokens_sum_7d', function: 'max' }, aggs[1]]),
      /^BREAKING: changes the function of aggregation 'tokens_sum_7d'$/,
    ],
    [
      'a changed column',
      spec([{ column: 'small', function: 'sum', window: '7d', name: 'tokens_sum_7d' }, aggs[1]]),
      /^BREAKING: changes the column of aggregation/,
    ],
    ['a changed n', spec([aggs[0], { ...aggs[1], n: 3, name: 'model_last_2_1d' }]), /^BREAKING: changes the n of aggregation 'model_last_2_1d'$/],
    ['a removed aggregation', spec([aggs[0]]), /^BREAKING: removes aggregation 'model_last_2_1d'/],
    ['a changed interval', spec(aggs, { aggregationInterval: '30m' }), /^BREAKING: changes the aggregation interval/],
    [
      'a retyped event column',
      spec(aggs, { eventSchema: eventSchema.map((f) => (f.name === 'tokens' ? new Field({ name: 'tokens', dtype: Float64 }) : f)) }),
      /^BREAKING: retypes event column 'tokens'$/,
    ],
    ['a removed event column', spec(aggs, { eventSchema: eventSchema.filter((f) => f.name !== 'ok') }), /^BREAKING: removes event column 'ok'$/],
  ];
  it.each(breaking)('classifies %s as breaking', (_what, next, expected) => {
    const r = reasons(next);
    expect(r.some((x) => expected.test(x))).toBe(true);
  });

  it('classifies turning a plain view into an aggregation view (and back) as breaking', () => {
    const plain = toRepoSpecs([
      new FeatureView({ name: 'user_agg', entities: [user], source: events, schema: [new Field({ name: 'tokens_sum_7d', dtype: Int64 })] }),
    ]).featureViews[0];
    const toAgg = classifyViewChanges(plain, spec([aggs[0]]));
    expect(toAgg.filter((c) => c.breaking).map((c) => c.reason)).toContain('turns the view into an aggregation view');
    const toPlain = classifyViewChanges(spec([aggs[0]]), plain);
    expect(toPlain.filter((c) => c.breaking).map((c) => c.reason)).toContain('turns the view from an aggregation view into a plain one');
  });
});
