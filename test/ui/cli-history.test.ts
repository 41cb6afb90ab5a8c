import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureStore } from '../../shared/feature-store.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// The UI charts the freshness history and lists past audits: checks and audits run from the CLI
// (cron, CI) are kept there too, unless --no-record.
describe('CLI checks in the monitoring history', () => {
  const tmp = tempDir();
  const repo = join(tmp.dir, 'repo');
  const run = (...args: string[]) => cli(['--repo', repo, ...args]);
  const history = async <T>(read: (s: FeatureStore) => Promise<T>) => {
    const store = await FeatureStore.open(repo);
    try {
      return await read(store);
    } finally {
      await store.close();
    }
  };

  beforeAll(() => {
    expect(cli(['init', repo, '--end', '2024-06-01T00:00:00Z']).code).toBe(0);
    expect(run('apply').code).toBe(0);
    expect(run('materialize', '2024-05-31T00:00:00Z', '2024-06-01T00:00:01Z').code).toBe(0);
  }, 60_000);
  afterAll(() => tmp.cleanup());

  it('`freshness` records each check at its instant, with what it printed; --no-record keeps none', async () => {
    const fresh = run('--json', 'freshness', '--now', '2024-06-01T01:00:00Z');
    expect(fresh.code).toBe(0);
    expect(run('freshness', '--now', '2024-06-01T03:00:00Z').code).toBe(1);
    expect(run('freshness', '--now', '2024-06-01T05:00:00Z', '--no-record').code).toBe(1);
    const checks = await history((s) => s.freshnessHistory());
    expect(checks.map((c) => c.at)).toEqual(['2024-06-01T01:00:00.000Z', '2024-06-01T03:00:00.000Z']);
    expect(checks[0].views).toEqual(JSON.parse(fresh.stdout).views);
    expect(checks.map((c) => c.views[0].status)).toEqual(['fresh', 'stale']);
  });

  it('`audit-skew` records each audit with its target, sample and report; --no-record keeps none', async () => {
    const audit = run('--json', 'audit-skew', '-s', 'driver_activity', '-n', '5', '--now', '2024-06-01T00:10:00Z');
    const report = JSON.parse(audit.stdout);
    expect(report.features.length).toBeGreaterThan(0);
    run('audit-skew', '-v', 'driver_hourly_stats', '-n', '3', '--now', '2024-06-01T00:20:00Z');
    run('audit-skew', '-v', 'driver_hourly_stats', '-n', '3', '--no-record');
    const audits = await history((s) => s.auditHistory());
    expect(audits.map((a) => [a.at, a.target, a.sample])).toEqual([
      ['2024-06-01T00:10:00.000Z', { kind: 'service', name: 'driver_activity' }, 5],
      ['2024-06-01T00:20:00.000Z', { kind: 'view', name: 'driver_hourly_stats' }, 3],
    ]);
    const { threshold: _t, passed: _p, ...recorded } = report;
    expect(audits[0].report).toEqual(recorded);
  });
});
