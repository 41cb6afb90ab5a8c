// Mutation testing of the write conditions held in SQL / DynamoDB expression text, which Stryker
// cannot mutate (to it they are opaque string literals). Every literal marked `/* @mutate */` is
// parsed into operator tokens; each token is swapped for its plausible wrong neighbours (> ↔ >=,
// AND ↔ OR, max ↔ min, attribute_not_exists ↔ attribute_exists …), one at a time, and the tests that
// exercise that store must fail. The source file is restored after every mutant, also on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

export interface ConditionTarget {
  file: string;
  /** Test files that must kill every mutant of the file's marked literals. */
  tests: string[];
}

export interface ConditionMutant {
  file: string;
  line: number;
  original: string;
  replacement: string;
  context: string;
  status: 'Killed' | 'Survived';
}

const SWAPS: Record<string, string[]> = {
  '>': ['>=', '<'],
  '>=': ['>', '<='],
  '<': ['<=', '>'],
  '<=': ['<', '>='],
  '=': ['<>'],
  AND: ['OR'],
  OR: ['AND'],
  max: ['min'],
  attribute_not_exists: ['attribute_exists'],
};
const TOKEN = /(>=|<=|<>|>|<|=|\bAND\b|\bOR\b|\bmax\b|\battribute_not_exists\b)/g;
const MARKED = /\/\* @mutate \*\/\s*'([^']*)'/g;

/** Every (position, replacement) mutant of the marked literals of one source text. */
export function conditionMutants(source: string): { start: number; end: number; original: string; replacement: string }[] {
  const out: { start: number; end: number; original: string; replacement: string }[] = [];
  for (const lit of source.matchAll(MARKED)) {
    const bodyStart = lit.index + lit[0].length - lit[1].length - 1;
    for (const tok of lit[1].matchAll(TOKEN)) {
      for (const replacement of SWAPS[tok[0]] ?? []) {
        out.push({ start: bodyStart + tok.index, end: bodyStart + tok.index + tok[0].length, original: tok[0], replacement });
      }
    }
  }
  return out;
}

function runTests(tests: string[]): boolean {
  const r = spawnSync('npx', ['vitest', 'run', '--bail', '1', ...tests], {
    stdio: 'ignore',
    env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1' },
  });
  return r.status === 0;
}

export function runConditionMutants(targets: ConditionTarget[], log: (line: string) => void = () => {}): ConditionMutant[] {
  const results: ConditionMutant[] = [];
  for (const t of targets) {
    const original = readFileSync(t.file, 'utf8');
    const restore = () => writeFileSync(t.file, original);
    const onSignal = () => (restore(), process.exit(130));
    process.once('SIGINT', onSignal);
    try {
      if (!runTests(t.tests)) throw new Error(`tests of ${t.file} fail without any mutant: fix them first`);
      for (const m of conditionMutants(original)) {
        writeFileSync(t.file, original.slice(0, m.start) + m.replacement + original.slice(m.end));
        const killed = !runTests(t.tests);
        const line = original.slice(0, m.start).split('\n').length;
        const lineText = original.split('\n')[line - 1].trim();
        results.push({
          file: t.file,
          line,
          original: m.original,
          replacement: m.replacement,
          context: lineText.slice(0, 140),
          status: killed ? 'Killed' : 'Survived',
        });
        log(`${killed ? 'killed  ' : 'SURVIVED'} ${t.file}:${line} ${m.original} -> ${m.replacement}`);
      }
    } finally {
      restore();
      process.off('SIGINT', onSignal);
    }
  }
  return results;
}
