/**
 * Builds the web app into static assets (`ui/dist/`): esbuild bundles the Preact + htm pages from
 * node_modules, nothing is fetched from a network. `npm ci` runs it (the `prepare` script);
 * `skewless ui` builds on first start when the directory is missing.
 */
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../shared/errors.js';

export const UI_ROOT = fileURLToPath(new URL('.', import.meta.url));
export const DIST_DIR = join(UI_ROOT, 'dist');
/** The files the server serves, by URL path. */
export const ASSETS = { '/assets/app.js': 'app.js', '/assets/styles.css': 'styles.css', '/index.html': 'index.html' } as const;

export async function buildUi(outdir: string = DIST_DIR): Promise<string> {
  const { build } = await import('esbuild');
  // Built next to the target and renamed, so a server never reads a half-written directory.
  const tmp = `${outdir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await build({
    entryPoints: [join(UI_ROOT, 'web/main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2020'],
    outfile: join(tmp, 'app.js'),
    legalComments: 'none',
    logLevel: 'silent',
  });
  await copyFile(join(UI_ROOT, 'web/styles.css'), join(tmp, 'styles.css'));
  await copyFile(join(UI_ROOT, 'web/index.html'), join(tmp, 'index.html'));
  await rm(outdir, { recursive: true, force: true });
  await rename(tmp, outdir);
  return outdir;
}

/**
 * The built assets, in memory. When the directory is absent (a clone without `npm ci`'s prepare
 * step) they are built into a private temporary directory, so concurrent servers never race on it.
 */
export async function loadAssets(dir: string = DIST_DIR): Promise<Map<string, Buffer>> {
  const read = async (from: string) =>
    new Map(await Promise.all(Object.entries(ASSETS).map(async ([url, file]) => [url, await readFile(join(from, file))] as const)));
  try {
    return await read(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const scratch = await mkdtemp(join(tmpdir(), 'skewless-ui-'));
    try {
      return await read(await buildUi(join(scratch, 'dist')));
    } catch (build) {
      // The build needs the devDependencies (esbuild, preact, htm): a clone after `npm ci` has them,
      // a package from a registry ships ui/dist instead (package.json `files`).
      const first = String((build as Error).message)
        .split('\n')
        .slice(0, 2)
        .join(' ');
      throw new ConfigurationError(
        `the web UI is not built (${dir} is missing) and cannot be built here: ${first}. Run \`npm run build:ui\` in ${join(UI_ROOT, '..')} (a clone with its devDependencies installed)`,
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildUi(process.argv[2] ?? DIST_DIR);
  console.log(`built the web UI into ${out}`);
}
