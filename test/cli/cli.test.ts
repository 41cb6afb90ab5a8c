import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('skewless CLI', () => {
  const tmp = tempDir();
  const repo = join(tmp.dir, 'repo');
  afterAll(() => tmp.cleanup());
  const run = (...args: string[]) => cli(['--repo', repo, ...args]);

  it('init scaffolds a repo that plans, applies, materializes and serves', () => {
    expect(cli(['init', repo, '--end', '2024-06-01T00:00:00Z']).code).toBe(0);
    const plan = run('plan');
    expect(plan.stdout).toContain('Created feature view driver_hourly_stats@v1');
    expect(run('apply').code).toBe(0);
    expect(run('plan').stdout.trim()).toBe('No changes to registry');
    const mat = run('--json', 'materialize', '2024-05-31T00:00:00Z', '2024-06-01T00:00:01Z');
    expect(mat.code).toBe(0);
    expect(JSON.parse(mat.stdout).materialized[0]).toMatchObject({ view: 'driver_hourly_stats@v1', rows: 5, written: 5 });
    const online = run('--json', 'get-online-features', '-f', 'driver_hourly_stats:avg_daily_trips', '-e', 'driver_id=1001,7', '--now', '2024-06-01T00:10:00Z');
    const body = JSON.parse(online.stdout);
    expect(body.metadata.feature_names).toEqual(['driver_id', 'avg_daily_trips']);
    expect(body.results[1].statuses).toEqual(['PRESENT', 'NOT_FOUND']);
  });

  it('lists registry objects, dumps the registry, and prints freshness with exit 1 when stale', () => {
    expect(run('feature-views', 'list').stdout).toContain('driver_hourly_stats');
    expect(JSON.parse(run('--json', 'entities', 'list').stdout)).toEqual([{ name: 'driver', join_keys: 'driver_id', value_type: 'Int64', description: '' }]);
    expect(JSON.parse(run('registry-dump').stdout).featureServices.driver_activity.projections[0].view).toBe('driver_hourly_stats');
    const fresh = run('--json', 'freshness', '--now', '2024-06-01T01:00:00Z');
    expect(fresh.code).toBe(0);
    expect(JSON.parse(fresh.stdout).views[0]).toMatchObject({ view: 'driver_hourly_stats', status: 'fresh', ageSeconds: 3600 });
    const stale = run('freshness', '--now', '2024-06-01T03:00:00Z');
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain('STALE');
  });

  it('builds a training set from a CSV of entity rows', () => {
    const entities = join(tmp.dir, 'entities.csv');
    writeFileSync(entities, 'driver_id,event_timestamp,trip_id\n1001,2024-05-31T12:30:00Z,t1\n1002,2024-05-20T00:00:00Z,t2\n');
    const out = join(tmp.dir, 'train.csv');
    const res = run('--json', 'get-historical-features', '--entities', entities, '-s', 'driver_activity', '-o', out);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ rows: 2, columns: ['driver_id', 'event_timestamp', 'trip_id', 'conv_rate', 'acc_rate', 'avg_daily_trips'] });
  });

  it('exits non-zero with a message naming the field on bad input', () => {
    const bad = run('materialize', 'yesterday', '2024-06-01T00:00:00Z');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('start: expected an RFC 3339 timestamp');
    const unknown = run('get-online-features', '-f', 'driver_hourly_stats:nope', '-e', 'driver_id=1');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("feature 'driver_hourly_stats@v1:nope' not found");
    const json = run('--json', 'get-online-features', '-f', 'x', '-e', 'driver_id=1');
    expect(JSON.parse(json.stderr).error.code).toBe('VALIDATION_ERROR');
    expect(cli(['--repo', tmp.dir, 'plan']).stderr).toMatch(/no skewless\.json/);
  });
});
