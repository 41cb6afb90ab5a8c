import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** A clock in the past, as `DEMO_NOW=…` pins it: what the demo wrote is older than its TTLs by now. */
const DEMO_NOW = '2026-11-01T12:00:00Z';
const BIN = join(import.meta.dirname, '../../cli/bin.js');

/** Starts `skewless serve` on a free port, posts one body, stops the server. */
async function serveOnce(repo: string, serveArgs: string[], body: unknown): Promise<{ statuses: string[][]; hint: string }> {
  const child = spawn(process.execPath, [BIN, '--repo', repo, 'serve', '--port', '0', ...serveArgs], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d) => {
        err += d;
        const m = /serving \S+ on (http:\/\/[^ ]+)/.exec(err);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    const res = await fetch(`${url}/get-online-features`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as { results: { statuses: string[] }[] };
    return { statuses: json.results.map((r) => r.statuses), hint: err };
  } finally {
    child.kill();
  }
}

describe('npm run demo', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const repo = join(tmp.dir, 'feature_repo');

  it('runs the whole loop and ends with fresh views', () => {
    const root = join(import.meta.dirname, '../..');
    const r = spawnSync(process.execPath, ['--import', './cli/register.js', 'examples/demo.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DEMO_REPO: repo, DEMO_EVENTS: '20000', DEMO_NOW },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Created feature view user_activity@v1/);
    expect(r.stdout).toMatch(/serve these features: node cli\/bin\.js --repo \S+ serve --now 2026-11-01T12:00:00\.000Z/);
    // Each step's header is printed before it runs; its time after.
    expect(r.stdout).toMatch(/\n== apply\n\(\d+\.\d\d s\)\nCreated entity user_id/);
    expect(r.stdout).toMatch(/user_realtime@v1: 3 written/);
    expect(r.stdout).toMatch(/│ user_activity_daily\s+│ 1\s+│ [^│]+│ \d+\s+│ 93600 │ FRESH/);
    // An aggregation view's freshness is the age of its newest event (the generator's last, 1 ms before the clock).
    expect(r.stdout).toMatch(/│ user_activity\s+│ 1\s+│ 2026-11-01T11:59:59\.999Z │ 0\s+│ 300\s+│ FRESH/);
    // The pushed raw event changes the 7-day aggregates online at once; its re-delivery changes nothing.
    expect(r.stdout).toMatch(/user_activity@v1: 1 written/);
    expect(r.stdout).toMatch(/re-delivered: user_activity@v1: 0 written, 1 skipped/);
    const [, before, after] = /user_activity:messages_sent_1h\s+│ (\S*)\s+│ (\S+)/.exec(r.stdout) ?? [];
    expect([before, after]).toEqual(['0', '7']);
    expect(r.stdout).toMatch(/│ user_realtime\s+│ 1\s+│ [^│]+│ 60\s+│ 300\s+│ FRESH/);
  }, 120_000);

  it('audit-skew reports 0 mismatches on the demo repo (and exits 0)', () => {
    // Plain views are audited from their online rows, user_activity's aggregates (and the on-demand
    // view over them) by a lookup at the store's clock.
    const r = cli(['--repo', repo, '--json', 'audit-skew', '-s', 'churn_model', '-n', '200', '--now', DEMO_NOW]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ passed: true, worstRate: 0, drift: [] });
    expect(report.features.filter((f: { compared: number }) => f.compared > 0).length).toBe(15);
  }, 60_000);

  it("the serve command the demo prints answers the README's curl with fresh values, even for a DEMO_NOW in the past", async () => {
    const body = { features: ['user_activity:sessions_7d', 'user_realtime:current_session_messages'], entities: { user_id: ['u_000001'] } };
    const served = await serveOnce(repo, ['--now', DEMO_NOW], body);
    expect(served.statuses.slice(1)).toEqual([['PRESENT'], ['PRESENT']]);
  }, 60_000);
});
