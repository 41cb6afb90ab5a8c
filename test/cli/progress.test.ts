import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = join(import.meta.dirname, '../../cli/bin.js');

describe('CLI: materialize progress on a terminal', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('counts views against the real total instead of reading 100% all along', () => {
    const repo = join(tmp.dir, 'repo');
    expect(cli(['init', repo, '--end', '2024-06-01T00:00:00Z']).code).toBe(0);
    expect(cli(['--repo', repo, 'apply']).code).toBe(0);
    // `script` gives the CLI a pseudo-terminal, where the bar is drawn.
    const cmd = `${process.execPath} ${BIN} --repo ${repo} materialize 2024-05-01T00:00:00Z 2024-06-02T00:00:00Z`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const frames = r.stdout.split(/\r|\x1b\[1G/).filter((f) => f.includes('materialize ['));
    expect(frames[0]).toContain('0/1 views');
    expect(frames.at(-1)).toContain('1/1 views | driver_hourly_stats@v1: 5 rows');
  });
});
