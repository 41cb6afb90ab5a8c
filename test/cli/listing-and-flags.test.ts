import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/feature_repo');
const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('CLI: listings, --version and flags', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const repo = join(tmp.dir, 'repo');
  cpSync(EXAMPLE, repo, { recursive: true, filter: (src) => !src.includes('.skewless') && !src.includes('/data') });
  const run = (...args: string[]) => cli(['--repo', repo, ...args]);

  it('prints its version', () => {
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists on demand views with the feature views, and services without a phantom @v0', () => {
    expect(run('apply').code).toBe(0);
    const views = JSON.parse(run('--json', 'feature-views', 'list').stdout) as { name: string; kind: string }[];
    expect(views.map((v) => `${v.name}:${v.kind}`)).toEqual([
      'user_activity:push',
      'user_activity_daily:batch',
      'user_realtime:push',
      'user_engagement:on demand',
    ]);
    const services = run('feature-services', 'list').stdout;
    expect(services).toContain('user_engagement[3]');
    expect(services).not.toContain('@v0');
  });

  it('gives -v one meaning (--views) in every verb, and says END is exclusive', () => {
    for (const verb of ['materialize', 'materialize-incremental', 'audit-skew']) expect(flat(run(verb, '--help').stdout)).toContain('-v, --views <names>');
    expect(flat(run('materialize-incremental', '--help').stdout)).toContain('END is exclusive');
  });

  it('plan shows on demand view and service changes as short, readable diffs', () => {
    const defs = join(repo, 'definitions.ts');
    writeFileSync(
      defs,
      readFileSync(defs, 'utf8')
        .replace("userRealtime.select('current_session_tokens')", "userRealtime.select('current_session_tokens', 'current_session_messages')")
        .replace(
          "features: [userActivity, userActivityDaily.select('preferred_model'), userRealtime, userEngagement],",
          "features: [userActivity, userActivityDaily.select('preferred_model'), userRealtime.select('current_session_tokens'), userEngagement],",
        ),
    );
    const lines = run('plan').stdout.trim().split('\n');
    expect(lines).toEqual([
      'Updated on demand feature view user_engagement',
      '  inputs.user_realtime@v1.current_session_messages: (none) -> "Int64"',
      'Updated feature service churn_model',
      '  projections.user_realtime@v1: "current_session_messages, current_session_tokens, last_active_minutes_ago" -> "current_session_tokens"',
    ]);
  });
});
