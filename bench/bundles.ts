/**
 * Each Lambda's bundle, built with the settings the CDK app uses (esbuild, minified, CJS, node22,
 * AWS SDK external): its size, and its cold import + init time in a fresh Node process (median of 5).
 * Aim: ≤ 1 MB and ≤ 150 ms each.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { report } from './lib/report.js';

const ROOT = resolve(import.meta.dirname, '..');
const FUNCTIONS = ['push', 'online-lookup', 'materialize', 'historical-prepare', 'historical-finalize', 'freshness-check'];

export async function benchBundles(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'skewless-bundles-'));
  const rows: Record<string, unknown>[] = [];
  try {
    for (const name of FUNCTIONS) {
      const file = join(out, `${name}.cjs`);
      await build({
        entryPoints: [join(ROOT, 'functions/lambda', `${name}.ts`)],
        bundle: true,
        minify: true,
        platform: 'node',
        format: 'cjs',
        target: 'node22',
        outfile: file,
        logLevel: 'silent',
        external: ['@aws-sdk/*', '@duckdb/node-api', 'better-sqlite3', 'tsx'],
        alias: { 'skewless-repo-definitions': join(ROOT, 'examples/feature_repo/definitions.ts'), skewless: join(ROOT, 'shared/index.ts') },
        // The bundle lives outside the repo: let it find the AWS SDK the way Lambda's runtime provides it.
        nodePaths: [join(ROOT, 'node_modules')],
      });
      // init: require() of the bundle; with_sdk: plus the four SDK v3 clients the aws provider loads on the first invocation.
      const measure = (withSdk: boolean) => {
        const sdk = withSdk ? ['client-s3', 'client-dynamodb', 'client-glue', 'client-athena'].map((c) => `require('@aws-sdk/${c}');`).join('') : '';
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const r = spawnSync(
            process.execPath,
            ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(file)});${sdk}console.log(Number(process.hrtime.bigint()-t)/1e6)`],
            {
              encoding: 'utf8',
              env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), AWS_REGION: 'us-east-1', SKEWLESS_BUCKET: 'b', SKEWLESS_TABLE: 't' },
            },
          );
          if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
          times.push(Number(r.stdout.trim().split('\n').pop()));
        }
        return times.sort((a, b) => a - b)[2];
      };
      const times = [0, 0, measure(false)];
      const withSdk = measure(true);
      const bytes = statSync(file).size;
      rows.push({
        function: name,
        bytes,
        kib: Math.round(bytes / 1024),
        gzip_kib: Math.round(gzipSync(readFileSync(file)).length / 1024),
        init_ms: times[2],
        init_with_sdk_ms: withSdk,
        within_budget: bytes <= 1024 * 1024 && withSdk <= 150 ? 'yes' : 'NO',
      });
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  report(
    'lambda-bundles',
    'esbuild bundle of each Lambda entry; init = require() in a fresh process (AWS SDK v3 from node_modules, as Lambda provides it); budget: 1 MB, 150 ms',
    ['function', 'kib', 'gzip_kib', 'init_ms', 'init_with_sdk_ms', 'within_budget'],
    rows,
    { setup: { node: process.version, note: 'init = require() of the bundle in a fresh process, AWS SDK v3 loaded from node_modules (Lambda provides it)' } },
  );
}
