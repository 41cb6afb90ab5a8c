import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('npm run bench', () => {
  it('refuses an unknown benchmark name with exit 2 and the list of names, running nothing', () => {
    const r = spawnSync(process.execPath, ['--import', './cli/register.js', 'bench/run.ts', 'online', 'onlin'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown benchmark 'onlin': expected one or more of online, pit, aws, bundles, materialize, fanout, agg, agg-online");
    // Nothing ran: no table, no verdict.
    expect(r.stdout).toBe('');
  }, 30_000);
});
