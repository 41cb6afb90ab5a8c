import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * One Lambda entry bundled with the settings the CDK app uses (infra's NodejsFunction bundling:
 * esbuild, minified, CJS, node22, the AWS SDK v3 left to the runtime), with the example feature
 * repo as the bundled definitions. Put `outfile` under the repo (e.g. bench/results/) and the
 * bundle finds the SDK in node_modules as Lambda's runtime provides it.
 */
export async function buildLambdaBundle(name: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'functions/lambda', `${name}.ts`)],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile,
    logLevel: 'silent',
    external: ['@aws-sdk/*', '@duckdb/node-api', 'better-sqlite3', 'tsx'],
    alias: { 'skewless-repo-definitions': join(ROOT, 'examples/feature_repo/definitions.ts'), skewless: join(ROOT, 'shared/index.ts') },
    nodePaths: [join(ROOT, 'node_modules')],
  });
}
