// Mutation testing of the core (npm run mutate runs this once per group of tools/mutate/targets.ts;
// docs/testing.md says when). MUTATE names the modules, MUTATE_GROUP the report and incremental
// file, MUTATE_TESTS (read by vitest.mutate.config.ts) the tests run against each mutant.
const group = process.env.MUTATE_GROUP ?? 'all';
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  coverageAnalysis: 'perTest',
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: (process.env.MUTATE ?? 'shared/services/push.ts').split(','),
  // Module-level (static) mutants rerun every test; they are few and dominated the run time 5:1.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: `reports/stryker-incremental-${group}.json`,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${group}.html` },
  jsonReporter: { fileName: `reports/mutation/${group}.json` },
  tempDirName: `reports/.stryker-tmp-${group}`,
  concurrency: 2,
  timeoutMS: 60000,
  thresholds: { high: 85, low: 70, break: null },
  cleanTempDir: 'always',
};
