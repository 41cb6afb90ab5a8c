// What `npm run mutate` mutates, and against which tests. Each group of modules runs against the
// tests that exist for it (not the whole suite): per-test coverage still picks the covering tests,
// but a mutant is then never charged the oracle property suites of unrelated modules, which made a
// single run take hours on 2 cores. A mutant killed only by some unrelated test counts as survived:
// the scores are conservative.

export interface MutationGroup {
  /** Names the group's reports (reports/mutation/<name>.json) and incremental file. */
  name: string;
  /** Modules Stryker mutates. */
  mutate: string[];
  /** Test globs run against each mutant. */
  tests: string[];
}

export const GROUPS: MutationGroup[] = [
  {
    name: 'sql',
    mutate: [
      'shared/offline/sql/pit-compiler.ts',
      'shared/offline/sql/asof-pit-compiler.ts',
      'shared/offline/sql/window-pit-compiler.ts',
      'shared/offline/sql/quote.ts',
    ],
    tests: ['test/offline/**/*.test.ts'],
  },
  {
    name: 'registry',
    mutate: ['shared/registry/plan.ts', 'shared/registry/compatibility.ts'],
    tests: ['test/registry/**/*.test.ts', 'test/services/versioning.test.ts'],
  },
  {
    name: 'push',
    mutate: ['shared/services/push.ts'],
    tests: ['test/services/push-*.test.ts', 'test/services/input-validation.test.ts', 'test/aws/faults.test.ts'],
  },
  {
    name: 'online-read',
    mutate: ['shared/services/online-read.ts'],
    tests: [
      'test/services/online-read-*.test.ts',
      'test/services/on-demand.test.ts',
      'test/services/input-validation.test.ts',
      'test/services/feature-store.test.ts',
    ],
  },
  {
    name: 'online-stores',
    mutate: ['shared/online/online-store.ts', 'shared/online/sqlite-online-store.ts'],
    tests: ['test/online/**/*.test.ts'],
  },
];

/** The SQL / DynamoDB condition literals (tools/mutate/conditions.ts) and the tests that must kill them. */
export const CONDITION_TARGETS = [
  { file: 'shared/online/sqlite-online-store.ts', tests: ['test/online/newer-wins-contract.test.ts', 'test/online/sqlite-online-store.test.ts'] },
  { file: 'shared/online/dynamodb-online-store.ts', tests: ['test/online/newer-wins-contract.test.ts'] },
];
