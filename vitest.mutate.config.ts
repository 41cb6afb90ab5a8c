import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests run against each mutant (npm run mutate): the group's globs from tools/mutate/targets.ts,
// passed in MUTATE_TESTS by tools/mutate/run.ts. The PIT oracle runs at its small scale.
const include = (process.env.MUTATE_TESTS ?? 'test/offline/**/*.test.ts').split(',');
export default defineConfig({
  ...base,
  test: { ...base.test, env: { ...base.test?.env, SKEWLESS_ORACLE_SCALE: 'small' }, include },
});
