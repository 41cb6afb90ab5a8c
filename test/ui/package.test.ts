import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { startUi } from './browser-fixture.js';

const ROOT = join(import.meta.dirname, '../..');

/**
 * The package as a registry would ship it: `npm pack` (which runs `prepare`, building ui/dist),
 * unpacked into a repo outside the clone beside its production dependencies only — a registry
 * install has no devDependencies (no preact, htm), so the UI cannot be built there.
 */
function installPackedTarball(into: string): string {
  const dest = join(into, 'pack');
  mkdirSync(dest);
  const pack = spawnSync('npm', ['pack', '--pack-destination', dest], { cwd: ROOT, encoding: 'utf8' });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarball = join(dest, readdirSync(dest).find((f) => f.endsWith('.tgz'))!);
  const modules = join(into, 'node_modules');
  const pkg = join(modules, 'skewless');
  mkdirSync(pkg, { recursive: true });
  const tar = spawnSync('tar', ['xzf', tarball, '-C', pkg, '--strip-components=1'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  // What `npm install skewless` would put beside it: every locked package that is not dev-only.
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = path.replace(/^node_modules\//, '');
    if (!path || entry.dev || name.includes('node_modules/')) continue;
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  return pkg;
}

const DEFINITIONS = `import { Entity, FeatureService, FeatureView, Field, FileSource, Int64 } from 'skewless';

export const user = new Entity({ name: 'user_id' });
export const clicks = new FeatureView({
  name: 'clicks',
  entities: [user],
  ttl: { days: 1 },
  schema: [new Field({ name: 'n', dtype: Int64 })],
  source: new FileSource({ path: 'data/clicks', timestampField: 'ts' }),
});
export const ranker = new FeatureService({ name: 'ranker', features: [clicks] });
`;

describe('the package installed from its tarball, in a repo outside the clone', () => {
  const tmp = tempDir();
  let bin: string;
  let repo: string;
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, '--repo', repo, ...args], { cwd: tmp.dir, encoding: 'utf8' });

  beforeAll(() => {
    const pkg = installPackedTarball(tmp.dir);
    bin = join(pkg, 'cli/bin.js');
    repo = join(tmp.dir, 'my_repo');
    mkdirSync(repo);
    writeFileSync(join(repo, 'skewless.json'), JSON.stringify({ project: 'packed' }));
    writeFileSync(join(repo, 'definitions.ts'), DEFINITIONS);
  }, 180_000);
  afterAll(() => tmp.cleanup());

  it('ships the built web UI and no dev-only packages are beside it', () => {
    const pkg = dirname(dirname(bin));
    for (const f of ['app.js', 'styles.css', 'index.html']) expect([f, existsSync(join(pkg, 'ui/dist', f))]).toEqual([f, true]);
    expect(existsSync(join(tmp.dir, 'node_modules/preact'))).toBe(false);
    expect(existsSync(join(pkg, 'test'))).toBe(false);
  });

  it('`skewless ui` serves the app and its API there', async () => {
    const apply = run('apply');
    expect(apply.stderr).toBe('');
    expect(apply.status).toBe(0);
    const ui = await startUi(repo, [], bin);
    try {
      const page = await fetch(`${ui.url}/feature-views/clicks`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/assets/app.js');
      const app = await fetch(`${ui.url}/assets/app.js`);
      expect(app.status).toBe(200);
      expect((await app.text()).length).toBeGreaterThan(10_000);
      const summary = await fetch(`${ui.url}/api/summary`);
      expect(summary.status).toBe(200);
      expect((await summary.json()).counts).toMatchObject({ featureViews: 1, featureServices: 1 });
    } finally {
      ui.child.kill();
    }
  }, 120_000);

  it('`skewless codegen` and `skewless openapi` work there too', () => {
    const out = join(tmp.dir, 'client');
    const codegen = run('codegen', '--out', out);
    expect(codegen.stderr).toBe('');
    expect(codegen.status).toBe(0);
    expect(readFileSync(join(out, 'ranker.ts'), 'utf8')).toContain('readonly n: bigint | null;');
    const openapi = run('openapi');
    expect(openapi.status).toBe(0);
    expect(JSON.parse(openapi.stdout).openapi).toBe('3.1.0');
  }, 60_000);

  it('without ui/dist (and without the devDependencies to build it), `skewless ui` says what to run instead of an esbuild trace', async () => {
    rmSync(join(dirname(dirname(bin)), 'ui/dist'), { recursive: true });
    await expect(startUi(repo, [], bin)).rejects.toThrow(
      /exited 1: error: .*the web UI is not built \(.*ui\/dist is missing\) and cannot be built here: .*Run `npm run build:ui`/s,
    );
  }, 120_000);
});
