// Mutation testing of the core (npm run mutate; docs/testing.md says when to run it).
// Incremental: reruns reuse results for unchanged code and tests (reports/stryker-incremental.json).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  coverageAnalysis: 'perTest',
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: (process.env.MUTATE ?? [
    'shared/offline/sql/pit-compiler.ts',
    'shared/offline/sql/asof-pit-compiler.ts',
    'shared/offline/sql/window-pit-compiler.ts',
    'shared/offline/sql/quote.ts',
    'shared/registry/plan.ts',
    'shared/registry/compatibility.ts',
    'shared/services/push.ts',
    'shared/services/online-read.ts',
    'shared/online/online-store.ts',
    'shared/online/sqlite-online-store.ts',
  ].join(',')).split(','),
  // Module-level (static) mutants rerun every test; they are few and dominated the run time 5:1.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: 'reports/.stryker-tmp',
  concurrency: 2,
  timeoutMS: 60000,
  thresholds: { high: 85, low: 70, break: null },
  cleanTempDir: 'always',
};
