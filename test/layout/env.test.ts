import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputsToEnv } from '../../infra/outputs-env.js';
import { parseConfig } from '../../shared/config/config.js';
import { ENV, lambdaEnvironment } from '../../shared/layout/env.js';
import { resourcesOf, synthOne } from '../infra/synth.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Product source files of a folder, with comments removed (a name in a comment is documentation, not a contract). */
function sources(dir: string): { path: string; code: string }[] {
  const out: { path: string; code: string }[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue;
    const path = join(e.parentPath, e.name);
    out.push({
      path: path.slice(ROOT.length + 1),
      code: readFileSync(path, 'utf8')
        .replace(/^\s*\/\*[\s\S]*?\*\//gm, '')
        .replace(/^\s*\/\/.*$/gm, ''),
    });
  }
  return out;
}

describe('Module: shared/layout/env — every SKEWLESS_* variable named once', () => {
  const template = synthOne();
  const lambdaEnvs = resourcesOf(template, 'AWS::Lambda::Function').map(
    ([id, r]) => [id, (r.Properties.Environment?.Variables ?? {}) as Record<string, unknown>] as const,
  );
  const ours = Object.values(ENV) as string[];

  it('the stack sets on its Lambdas exactly the variables lambdaEnvironment names, plus each function its timeout', () => {
    const product = lambdaEnvs.filter(([, env]) => Object.keys(env).some((k) => k.startsWith('SKEWLESS_')));
    expect(product.length).toBeGreaterThanOrEqual(6);
    const expected = [
      ...Object.keys(
        lambdaEnvironment({
          project: 'p',
          bucket: 'b',
          table: 't',
          glueDatabase: 'g',
          athenaWorkgroup: 'w',
          registryCacheSeconds: 30,
          codeHashes: { odfv: 'h' },
        }),
      ),
      ENV.functionTimeoutSeconds,
    ].sort();
    for (const [id, env] of product)
      expect(
        Object.keys(env)
          .filter((k) => k.startsWith('SKEWLESS_'))
          .sort(),
        id,
      ).toEqual(expected);
    for (const [, env] of lambdaEnvs) for (const k of Object.keys(env).filter((k) => k.startsWith('SKEWLESS_'))) expect(ours).toContain(k);
  });

  it('every variable the stack sets is read through its ENV constant by shared/ or functions/', () => {
    const readers = [...sources('shared'), ...sources('functions')].filter((f) => !f.path.startsWith('shared/layout/'));
    const set = new Set(lambdaEnvs.flatMap(([, env]) => Object.keys(env)).filter((k) => k.startsWith('SKEWLESS_')));
    for (const [key, name] of Object.entries(ENV)) {
      if (!set.has(name)) continue;
      const readBy = readers.filter((f) => f.code.includes(`ENV.${key}]`)).map((f) => f.path);
      expect(readBy, `${name} (ENV.${key}) is set on the Lambdas but read nowhere`).not.toEqual([]);
    }
  });

  it('shared config reads the resource names the stack gives its Lambdas', () => {
    const env = lambdaEnvironment({
      project: 'demo',
      bucket: 'data-bucket',
      table: 'online-table',
      glueDatabase: 'demo_db',
      athenaWorkgroup: 'skewless-demo',
      registryCacheSeconds: 30,
    });
    const config = parseConfig({ project: 'ignored', provider: 'aws' }, '/tmp', env);
    expect(config.project).toBe('demo');
    expect(config.aws).toMatchObject({ bucket: 'data-bucket', table: 'online-table', glueDatabase: 'demo_db', athenaWorkgroup: 'skewless-demo' });
  });

  it('outputs-env exports the same variables, and the CLI config reads them back', () => {
    const env = outputsToEnv({
      S: { Project: 'demo', Bucket: 'data-bucket', Table: 'online-table', GlueDatabase: 'demo_db', AthenaWorkgroup: 'skewless-demo', Region: 'eu-west-1' },
    });
    for (const k of Object.keys(env).filter((k) => k.startsWith('SKEWLESS_'))) expect(ours).toContain(k);
    const config = parseConfig({ project: 'ignored' }, '/tmp', env);
    expect(config).toMatchObject({
      project: 'demo',
      provider: 'aws',
      aws: { region: 'eu-west-1', bucket: 'data-bucket', table: 'online-table', glueDatabase: 'demo_db', athenaWorkgroup: 'skewless-demo' },
    });
  });

  it('no product file outside shared/layout spells a SKEWLESS_* name', () => {
    const files = ['shared', 'functions', 'infra', 'cli'].flatMap(sources).filter((f) => !f.path.startsWith('shared/layout/'));
    expect(files.filter((f) => /SKEWLESS_[A-Z]/.test(f.code)).map((f) => f.path)).toEqual([]);
  });
});
