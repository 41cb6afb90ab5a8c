import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const TSC = join(import.meta.dirname, '../../node_modules/typescript/bin/tsc');

/** Runs a command line as a user's shell would, with npm kept offline (the `file:` dependency needs no network). */
function shell(line: string, cwd: string) {
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}`, npm_config_offline: 'true', npm_config_update_notifier: 'false' };
  const r = spawnSync('sh', ['-c', line], { cwd, encoding: 'utf8', env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI: skewless init in a directory outside the project', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const repo = join(tmp.dir, 'my_repo');

  it('prints commands that run as printed: npm install, npx skewless apply, materialize-incremental over every sample row', () => {
    const init = cli(['init', 'my_repo', '--end', '2024-06-01T00:00:00Z'], tmp.dir);
    expect(init.code).toBe(0);
    const line = init.stdout.trim().split('\n').pop()!.trim();
    expect(line).toMatch(/^cd my_repo && .*skewless apply && .*skewless materialize-incremental \S+$/);
    const run = shell(line, tmp.dir);
    expect(run.stderr).not.toMatch(/command not found|ERR!/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Created feature view driver_hourly_stats@v1');
    // The newest sample row (at --end) was materialized: the suggested END covers the sample.
    const online = cli([
      '--repo',
      repo,
      '--json',
      'get-online-features',
      '-f',
      'driver_hourly_stats:conv_rate',
      '-e',
      'driver_id=1001',
      '--now',
      '2024-06-01T00:10:00Z',
    ]);
    expect(JSON.parse(online.stdout).results[1].event_timestamps).toEqual(['2024-06-01T00:00:00.000Z']);
  }, 120_000);

  it("writes a tsconfig with which tsc type-checks the repo and resolves 'skewless'", () => {
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).dependencies.skewless).toMatch(/^file:\//);
    const r = spawnSync(process.execPath, [TSC, '-p', repo], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
