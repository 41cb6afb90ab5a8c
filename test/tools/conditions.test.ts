import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conditionMutants } from '../../tools/mutate/conditions.js';

describe('Function: conditionMutants', () => {
  it('swaps each operator of a marked literal for its wrong neighbours, one at a time, and ignores unmarked text', () => {
    const src = `const a = 'x > y';\nconst b = /* @mutate */ 'attribute_not_exists(pk) OR e < :e AND c >= :c';`;
    const muts = conditionMutants(src).map((m) => src.slice(0, m.start) + m.replacement + src.slice(m.end));
    expect(muts).toEqual([
      `const a = 'x > y';\nconst b = /* @mutate */ 'attribute_exists(pk) OR e < :e AND c >= :c';`,
      `const a = 'x > y';\nconst b = /* @mutate */ 'attribute_not_exists(pk) AND e < :e AND c >= :c';`,
      `const a = 'x > y';\nconst b = /* @mutate */ 'attribute_not_exists(pk) OR e <= :e AND c >= :c';`,
      `const a = 'x > y';\nconst b = /* @mutate */ 'attribute_not_exists(pk) OR e > :e AND c >= :c';`,
      `const a = 'x > y';\nconst b = /* @mutate */ 'attribute_not_exists(pk) OR e < :e OR c >= :c';`,
      `const a = 'x > y';\nconst b = /* @mutate */ 'attribute_not_exists(pk) OR e < :e AND c > :c';`,
      `const a = 'x > y';\nconst b = /* @mutate */ 'attribute_not_exists(pk) OR e < :e AND c <= :c';`,
    ]);
  });

  it('finds the newer-wins conditions of both online stores', () => {
    for (const file of ['shared/online/sqlite-online-store.ts', 'shared/online/dynamodb-online-store.ts']) {
      expect(conditionMutants(readFileSync(file, 'utf8')).length).toBeGreaterThanOrEqual(8);
    }
  });
});
