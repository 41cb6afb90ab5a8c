import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/feature_repo');
const HAND_WRITTEN = `import { Entity, FeatureView, Field, FileSource, Int64 } from 'skewless';

export const user = new Entity({ name: 'user_id' });
export const clicks = new FeatureView({
  name: 'clicks',
  entities: [user],
  ttl: { days: 1 },
  schema: [new Field({ name: 'n', dtype: Int64 })],
  source: new FileSource({ path: 'data/clicks', timestampField: 'ts' }),
});
`;

describe('CLI: a feature repo outside the project', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('plans a copy of the example repo with no package.json near it', () => {
    const repo = join(tmp.dir, 'copy');
    cpSync(EXAMPLE, repo, { recursive: true, filter: (src) => !src.includes('.skewless') && !src.includes('/data') });
    const r = cli(['--repo', repo, 'plan']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Created feature view user_activity@v1');
    expect(r.stdout).toContain('Created on demand feature view user_engagement');
  });

  it('loads definitions as ES modules even under a package.json that says "type": "commonjs"', () => {
    const parent = join(tmp.dir, 'cjs-parent');
    mkdirSync(parent);
    writeFileSync(join(parent, 'package.json'), JSON.stringify({ name: 'x', type: 'commonjs' }));
    const repo = join(parent, 'repo');
    cpSync(EXAMPLE, repo, { recursive: true, filter: (src) => !src.includes('.skewless') && !src.includes('/data') });
    const r = cli(['--repo', repo, 'plan']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Created feature view user_realtime@v1');
  });

  it('applies a hand-written repo of only skewless.json and definitions.ts, run from inside it', () => {
    const repo = join(tmp.dir, 'hand');
    mkdirSync(repo);
    writeFileSync(join(repo, 'skewless.json'), JSON.stringify({ project: 'hand' }));
    writeFileSync(join(repo, 'definitions.ts'), HAND_WRITTEN);
    const r = cli(['apply'], repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Created feature view clicks@v1');
    expect(cli(['feature-views', 'list'], repo).stdout).toContain('clicks');
  });

  it('push warns that online-only rows (the default --to) are absent from training sets', () => {
    const repo = join(tmp.dir, 'copy');
    expect(cli(['--repo', repo, 'apply']).code).toBe(0);
    const row = JSON.stringify([
      { user_id: 'u1', event_timestamp: '2026-11-01T00:00:00Z', current_session_messages: 1, current_session_tokens: 2, last_active_minutes_ago: 0.5 },
    ]);
    const online = cli(['--repo', repo, 'push', 'user_realtime_events', '--data', row]);
    expect(online.code).toBe(0);
    expect(online.stderr).toContain('warning: pushed online only: these rows are not in the offline store, so training sets will not see them');
    const both = cli(['--repo', repo, 'push', 'user_realtime_events', '--data', row, '--to', 'online_and_offline']);
    expect(both.stderr).toBe('');
    expect(cli(['--repo', repo, 'push', '--help']).stdout.replace(/\s+/g, ' ')).toContain('online-only rows are absent from training sets (default: "online")');
  });
});
