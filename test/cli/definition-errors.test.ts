import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const HEAD = `import { Entity, FeatureView, Field, FileSource, Int64, OnDemandFeatureView } from 'skewless';
export const user = new Entity({ name: 'user_id' });
const source = new FileSource({ path: 'data/x', timestampField: 'ts' });
export const clicks = new FeatureView({ name: 'clicks', entities: [user], ttl: { days: 1 }, schema: [new Field({ name: 'n', dtype: Int64 })], source });
`;

describe('CLI: mistakes in definitions are named, and exit 1', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const repoWith = (name: string, body: string) => {
    const repo = join(tmp.dir, name);
    mkdirSync(repo);
    writeFileSync(join(repo, 'skewless.json'), JSON.stringify({ project: name }));
    writeFileSync(join(repo, 'definitions.ts'), HEAD + body);
    return repo;
  };

  it('a ReferenceError (missing import) names the file and line', () => {
    const repo = repoWith(
      'missing_import',
      `export const more = new FeatureView({ name: 'more', entities: [user], schema: [new Field({ name: 'x', dtype: Float64 })], source });\n`,
    );
    const r = cli(['--repo', repo, 'plan']);
    expect(r.stderr).toMatch(/^error: definitions\.ts:5:\d+: ReferenceError: Float64 is not defined/);
    expect(r.code).toBe(1);
  });

  it('a view name defined twice says "defined twice" and names both exports', () => {
    const repo = repoWith(
      'twice',
      `export const clicksCopy = new FeatureView({ name: 'clicks', entities: [user], ttl: { days: 2 }, schema: [new Field({ name: 'n', dtype: Int64 })], source });\n`,
    );
    const r = cli(['--repo', repo, 'apply']);
    expect(r.stderr).toContain("feature view 'clicks@v1' is defined twice: export 'clicks' (definitions.ts) and export 'clicksCopy' (definitions.ts)");
    expect(r.code).toBe(1);
  });

  it('a feature view and an on demand view of the same name are refused at apply, naming both', () => {
    const repo = repoWith(
      'same_name',
      `export const clicksOdfv = new OnDemandFeatureView({ name: 'clicks', sources: [clicks], schema: [new Field({ name: 'm', dtype: Int64 })], transform: (c) => ({ m: c.n }) });\n`,
    );
    const r = cli(['--repo', repo, 'apply']);
    expect(r.stderr).toContain(
      "'clicks' is both a feature view (export 'clicks' (definitions.ts)) and an on demand feature view (export 'clicksOdfv' (definitions.ts))",
    );
    expect(r.code).toBe(1);
  });

  it('a feature service selecting an unknown feature is a DefinitionError naming view, field and feature: exit 1, no stack trace', () => {
    const repo = repoWith(
      'unknown_feature',
      `import { FeatureService } from 'skewless';\nexport const svc = new FeatureService({ name: 'svc', features: [clicks.select('zzz')] });\n`,
    );
    for (const args of [['plan'], ['--json', 'plan']]) {
      const r = cli(['--repo', repo, ...args]);
      expect(r.stderr).toContain("FeatureView 'clicks': select: unknown feature 'zzz'");
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.code).toBe(1);
    }
    expect(JSON.parse(cli(['--repo', repo, '--json', 'plan']).stderr).error).toMatchObject({
      code: 'DEFINITION_ERROR',
      details: { object: 'FeatureView', name: 'clicks', field: 'select' },
    });
  });

  it('ttl: { weeks: 1 } is refused, not applied as unbounded', () => {
    const repo = repoWith(
      'weeks',
      `export const weekly = new FeatureView({ name: 'weekly', entities: [user], ttl: { weeks: 1 } as never, schema: [new Field({ name: 'x', dtype: Int64 })], source });\n`,
    );
    const r = cli(['--repo', repo, 'apply']);
    expect(r.stderr).toMatch(/definitions\.ts:5:\d+: FeatureView 'weekly': ttl: expected a duration/);
    expect(r.code).toBe(1);
  });
});
