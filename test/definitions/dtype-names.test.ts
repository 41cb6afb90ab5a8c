import { describe, expect, it } from 'vitest';
import { Array, ArrayOf, Entity, Field, Int64, OnDemandFeatureView, FeatureView, FileSource, Str, String } from '../../shared/definitions/index.js';

describe('Definitions DSL: dtype exports do not break the globals they are named after', () => {
  it('String is the String dtype and still works as the global String', () => {
    expect(String(5)).toBe('5');
    expect(String([1, 2])).toBe('1,2');
    expect(new String('x').length).toBe(1);
    expect(String.raw`a\nb`).toBe('a\\nb');
    expect((new String('y') as unknown) instanceof String).toBe(true);
    expect(new Field({ name: 'f', dtype: String }).dtype).toBe('String');
    expect(new Field({ name: 'g', dtype: Str }).dtype).toBe('String');
    expect(new Entity({ name: 'e', valueType: String }).valueType).toBe('String');
  });

  it('Array(dtype) makes an array dtype and Array is otherwise the global Array', () => {
    expect(Array(Int64)).toBe('Array(Int64)');
    expect(Array(String)).toBe('Array(String)');
    expect(ArrayOf(String)).toBe('Array(String)');
    expect(Array.isArray([1])).toBe(true);
    expect(Array.from('ab')).toEqual(['a', 'b']);
    expect(new Array(3).length).toBe(3);
    expect(Array(1, 2)).toEqual([1, 2]);
    expect(new Field({ name: 'tags', dtype: Array(String) }).dtype).toBe('Array(String)');
  });

  it('a transformation that calls String(v) in a module importing the String dtype works', () => {
    const user = new Entity({ name: 'user_id', valueType: String });
    const v = new FeatureView({
      name: 'v',
      entities: [user],
      schema: [new Field({ name: 'n', dtype: Int64 })],
      source: new FileSource({ path: 'd', timestampField: 'ts' }),
    });
    const o = new OnDemandFeatureView({
      name: 'o',
      sources: [v],
      schema: [new Field({ name: 'label', dtype: String })],
      transform: (c) => ({ label: c.n.map((x) => String(x)) }),
    });
    expect(o.transform({ n: [1, 2] })).toEqual({ label: ['1', '2'] });
  });
});
