import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const DEFINITIONS = `import { Entity, FeatureService, FeatureView, Field, FileSource, Float64, Int64, OnDemandFeatureView, RequestSource } from 'skewless';

export const driver = new Entity({ name: 'driver_id', valueType: Int64 });
export const stats = new FeatureView({
  name: 'driver_stats', entities: [driver], ttl: { days: 1 },
  schema: [new Field({ name: 'rate', dtype: Float64 })],
  source: new FileSource({ path: 'data/stats.parquet', timestampField: 'ts' }),
});
export const trip = new RequestSource({ name: 'trip', schema: [new Field({ name: 'distance_km', dtype: Float64 })] });
export const price = new OnDemandFeatureView({
  name: 'price', sources: [stats, trip],
  schema: [new Field({ name: 'fare', dtype: Float64 })],
  transform: (c) => ({ fare: c.distance_km.map((d, i) => (d as number) * ((c.rate[i] as number | null) ?? 2)) }),
});
export const pricing = new FeatureService({ name: 'pricing', features: [price] });
`;

describe('CLI: get-online-features -e parses values by declared type', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const repo = join(tmp.dir, 'pricing');
  mkdirSync(repo);
  writeFileSync(join(repo, 'skewless.json'), JSON.stringify({ project: 'pricing' }));
  writeFileSync(join(repo, 'definitions.ts'), DEFINITIONS);

  it('passes numeric request data and integer join keys typed as declared', () => {
    expect(cli(['--repo', repo, 'apply']).code).toBe(0);
    const r = cli(['--repo', repo, '--json', 'get-online-features', '-s', 'pricing', '-e', 'driver_id=1,2', '-e', 'distance_km=10,3.5']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.results[0].values).toEqual([1, 2]);
    expect(body.results.at(-1).values).toEqual([20, 7]);
  });

  it('refuses a value that is not of the declared type, naming key, row and expectation', () => {
    const r = cli(['--repo', repo, 'get-online-features', '-s', 'pricing', '-e', 'driver_id=1,2', '-e', 'distance_km=10,far']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--entity distance_km: row 1: expected a number (Float64), got 'far'");
  });

  it('audit-skew says "not checked" and exits 1 when an on demand view had no row to compare', () => {
    const r = cli(['--repo', repo, 'audit-skew', '-s', 'pricing']);
    expect(r.stdout).toContain('not checked');
    expect(r.stdout).toContain('NOT CHECKED (no row could be compared): price:fare');
    expect(r.stdout).not.toMatch(/: OK$/m);
    expect(r.code).toBe(1);
    const json = JSON.parse(cli(['--repo', repo, '--json', 'audit-skew', '-s', 'pricing']).stdout);
    expect(json).toMatchObject({ passed: false, notChecked: ['price:fare'] });
  });
});
