import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('npm run demo', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const repo = join(tmp.dir, 'feature_repo');

  it('runs the whole loop and ends with fresh views', () => {
    const root = join(import.meta.dirname, '../..');
    const r = spawnSync(process.execPath, ['--import', './cli/register.js', 'examples/demo.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, DEMO_REPO: repo, DEMO_EVENTS: '20000' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Created feature view user_activity@v1/);
    // Each step's header is printed before it runs; its time after.
    expect(r.stdout).toMatch(/\n== apply\n\(\d+\.\d\d s\)\nCreated entity user_id/);
    expect(r.stdout).toMatch(/user_realtime@v1: 3 written/);
    expect(r.stdout).toMatch(/│ user_activity\s+│ 1\s+│ [^│]+│ \d+\s+│ 93600 │ FRESH/);
    expect(r.stdout).toMatch(/│ user_realtime\s+│ 1\s+│ [^│]+│ 60\s+│ 300\s+│ FRESH/);
  }, 120_000);

  it('audit-skew reports 0 mismatches on the demo repo (and exits 0)', () => {
    const r = cli(['--repo', repo, '--json', 'audit-skew', '-s', 'churn_model', '-n', '200']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ passed: true, worstRate: 0, drift: [] });
    expect(report.features.filter((f: { compared: number }) => f.compared > 0).length).toBe(12);
  }, 60_000);
});
