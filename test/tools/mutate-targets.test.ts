import { existsSync } from 'node:fs';
import { globSync } from 'tinyglobby';
import { describe, expect, it } from 'vitest';
import { CONDITION_TARGETS, GROUPS } from '../../tools/mutate/targets.js';

// npm run mutate is not part of npm test; this keeps its target list from rotting when a core
// module or a test file is moved or renamed.
describe('mutation targets', () => {
  it.each(GROUPS)('group $name: every module exists and every test glob matches a test file', (g) => {
    for (const m of g.mutate) expect(existsSync(m), m).toBe(true);
    for (const t of g.tests) expect(globSync(t).length, t).toBeGreaterThan(0);
  });

  it('mutates each module in one group only, and names each group once', () => {
    const modules = GROUPS.flatMap((g) => g.mutate);
    expect(new Set(modules).size).toBe(modules.length);
    expect(new Set(GROUPS.map((g) => g.name)).size).toBe(GROUPS.length);
  });

  it('points the condition mutants at existing stores and tests', () => {
    for (const t of CONDITION_TARGETS) for (const f of [t.file, ...t.tests]) expect(existsSync(f), f).toBe(true);
  });
});
