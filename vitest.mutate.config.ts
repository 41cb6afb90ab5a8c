import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests mutation testing runs against (npm run mutate): the core's own rooms (the PIT oracle's
// Athena path needs the moto of the global setup), plus the push fault tests against moto. The DynamoDB store's conditions are mutated by
// tools/mutate/conditions.ts against test/aws.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    env: { ...base.test?.env, SKEWLESS_ORACLE_SCALE: 'small' },
    include: ['test/offline/**/*.test.ts', 'test/services/**/*.test.ts', 'test/online/**/*.test.ts', 'test/registry/**/*.test.ts', 'test/aws/faults.test.ts'],
  },
});
