import { describe, expect, it } from 'vitest';
import { FileSource } from '../../shared/definitions/index.js';

describe('Class: FileSource — paths confined to the feature repo (issue 11 item 13)', () => {
  it.each([
    '/etc',
    '/etc/passwd',
    '../../..',
    'data/../../secrets',
    '..\\\\outside',
    '~/data',
    'C:\\\\data',
    'file:///etc/passwd',
    'https://example.com/x.parquet',
  ])('refuses %s, naming the path field', (path) => {
    expect(() => new FileSource({ path, timestampField: 'ts' })).toThrow(/FileSource .*path: .*confined to the feature repo/);
  });

  it.each(['data/user_activity', 'data/x.parquet', './data/a', 'data/..hidden', 's3://bucket/prefix/'])('accepts %s', (path) => {
    expect(new FileSource({ path, timestampField: 'ts' }).path).toBe(path);
  });

  it('accepts a path outside the repo when the user opts out', () => {
    expect(new FileSource({ path: '/data/shared/events', timestampField: 'ts', allowOutsideRepo: true }).path).toBe('/data/shared/events');
  });
});
