import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('CLI: a new version is inactive until promoted', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const repo = join(tmp.dir, 'versions');
  const run = (...args: string[]) => cli(['--repo', repo, ...args]);
  const served = () =>
    JSON.parse(run('--json', 'get-online-features', '-s', 'driver_activity', '-e', 'driver_id=1001', '--now', '2024-06-01T00:10:00Z').stdout);

  it('plan says v2 is inactive, services keep reading v1, promote is refused until v2 is materialized', () => {
    expect(cli(['init', repo, '--end', '2024-06-01T00:00:00Z']).code).toBe(0);
    expect(run('apply').code).toBe(0);
    expect(run('materialize', '2024-05-30T00:00:00Z', '2024-06-01T00:00:01Z').code).toBe(0);
    const defs = join(repo, 'definitions.ts');
    // A breaking change, registered as version 2 as apply asks.
    writeFileSync(
      defs,
      readFileSync(defs, 'utf8')
        .replace("name: 'driver_hourly_stats',", "name: 'driver_hourly_stats',\n  version: 2,")
        .replace("name: 'avg_daily_trips', dtype: Int64", "name: 'avg_daily_trips', dtype: Float32"),
    );
    const plan = run('plan');
    expect(plan.stdout).toContain(
      'Created feature view driver_hourly_stats@v2 (new version, inactive until `skewless promote driver_hourly_stats@v2`: v1 stays served',
    );
    expect(run('apply').code).toBe(0);
    expect(served().results[1].statuses).toEqual(['PRESENT']);
    const refused = run('promote', 'driver_hourly_stats@v2');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('driver_hourly_stats@v2 has no online data yet: materialize it first');
    expect(run('materialize', '2024-05-30T00:00:00Z', '2024-06-01T00:00:01Z', '--views', 'driver_hourly_stats@v2').code).toBe(0);
    const promoted = run('promote', 'driver_hourly_stats@v2');
    expect(promoted.stdout).toContain('Promoted feature view driver_hourly_stats@v2');
    expect(served().results[1].statuses).toEqual(['PRESENT']);
    expect(JSON.parse(run('registry-dump').stdout).featureViews['driver_hourly_stats@v2'].status).toBe('active');
  }, 120_000);
});
