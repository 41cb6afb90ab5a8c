import { describe, expect, it } from 'vitest';
import {
  Array as Arr,
  DefinitionError,
  Entity,
  FeatureService,
  FeatureView,
  Field,
  FileSource,
  Int64,
  PushSource,
  parseDurationSeconds,
  parseFreshnessSla,
  String as Str,
} from '../../shared/definitions/index.js';

const user = new Entity({ name: 'user_id', valueType: Str });
const src = new FileSource({ path: 'data/x.parquet', timestampField: 'ts' });

describe('Definitions DSL', () => {
  it('defaults join keys to the entity name and derives a source name from its path', () => {
    expect(user.joinKeys).toEqual(['user_id']);
    expect(src.name).toBe('x');
  });

  it('accepts every dtype and arrays of them', () => {
    const f = new Field({ name: 'tags', dtype: Arr(Int64) });
    expect(f.dtype).toBe('Array(Int64)');
    expect(() => new Field({ name: 'x', dtype: 'Int128' as never })).toThrow(/Field 'x': dtype: expected a dtype/);
  });

  it('names the object and the field of a bad definition', () => {
    expect(() => new Entity({ name: '1bad' })).toThrow(DefinitionError);
    expect(() => new Entity({ name: '1bad' })).toThrow(/Entity '1bad': name:/);
    expect(() => new FeatureView({ name: 'v', entities: [user], schema: [], source: src })).toThrow(/FeatureView 'v': schema:/);
    expect(() => new FeatureView({ name: 'v', entities: [user], ttl: 'soon' as never, schema: [new Field({ name: 'a', dtype: Int64 })], source: src })).toThrow(
      /FeatureView 'v': ttl: expected a duration/,
    );
    expect(() => new FileSource({ path: '', timestampField: 'ts' })).toThrow(/FileSource .*: path:/);
    expect(() => new PushSource({ name: 'p', batchSource: {} as never })).toThrow(/PushSource 'p': batchSource: expected a FileSource/);
  });

  it('rejects duplicate fields, fields named like join keys and bad freshness SLAs', () => {
    const a = new Field({ name: 'a', dtype: Int64 });
    expect(() => new FeatureView({ name: 'v', entities: [user], schema: [a, a], source: src })).toThrow(/schema\.1\.name: duplicate field 'a'/);
    expect(() => new FeatureView({ name: 'v', entities: [user], schema: [new Field({ name: 'user_id', dtype: Str })], source: src })).toThrow(/is a join key/);
    expect(() => new FeatureView({ name: 'v', entities: [user], schema: [a], source: src, tags: { freshness_sla: 'weekly-ish' } })).toThrow(
      /tags\.freshness_sla/,
    );
  });

  it('parses TTLs and SLAs in every accepted form', () => {
    expect(parseDurationSeconds({ days: 7 })).toBe(604800);
    expect(parseDurationSeconds('90m')).toBe(5400);
    expect(parseDurationSeconds('PT26H')).toBe(93600);
    expect(parseDurationSeconds('P1DT1H')).toBe(90000);
    expect(parseDurationSeconds('PT')).toBeUndefined();
    expect(parseDurationSeconds(-1)).toBeUndefined();
    expect(parseFreshnessSla('realtime')).toBe(300);
    expect(parseFreshnessSla('hourly')).toBe(7200);
    expect(parseFreshnessSla('daily')).toBe(93600);
    expect(parseFreshnessSla('bogus')).toBeUndefined();
  });

  it('builds feature services from views and projections, refusing unknown features', () => {
    const v = new FeatureView({
      name: 'v',
      entities: [user],
      schema: [new Field({ name: 'a', dtype: Int64 }), new Field({ name: 'b', dtype: Int64 })],
      source: src,
      version: 3,
    });
    const s = new FeatureService({ name: 's', features: [v.select('b')] });
    expect(s.projections.map((p) => [p.view.name, (p.view as FeatureView).version, p.features])).toEqual([['v', 3, ['b']]]);
    expect(() => v.select('zzz')).toThrow(/unknown feature 'zzz'/);
  });
});
