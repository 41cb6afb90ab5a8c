import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Feature repos import the library as 'skewless', exactly as the CLI's loader resolves it.
  resolve: {
    alias: {
      'skewless-repo-definitions': fileURLToPath(new URL('./examples/feature_repo/definitions.ts', import.meta.url)),
      skewless: fileURLToPath(new URL('./shared/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/moto.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
