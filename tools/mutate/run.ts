// npm run mutate: StrykerJS over each group of core modules against its own tests
// (tools/mutate/targets.ts), then the write conditions in SQL / DynamoDB expression text
// (conditions.ts), then one score table per module. Reports land in reports/ (git-ignored).
// `--conditions-only` skips Stryker; `--group push,sql` runs only some groups.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { runConditionMutants, type ConditionMutant } from './conditions.js';
import { CONDITION_TARGETS, GROUPS } from './targets.js';

const REPORTS = 'reports/mutation';

interface StrykerMutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}
interface Score {
  module: string;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  errors: number;
  score: number;
}

/** Mutation score as Stryker defines it: detected / valid (compile and runtime errors excluded). */
function score(module: string, statuses: string[]): Score {
  const n = (s: string) => statuses.filter((x) => x === s).length;
  const killed = n('Killed'),
    survived = n('Survived'),
    noCoverage = n('NoCoverage'),
    timeout = n('Timeout');
  const valid = killed + survived + noCoverage + timeout;
  return {
    module,
    killed,
    survived,
    noCoverage,
    timeout,
    errors: n('CompileError') + n('RuntimeError'),
    score: valid ? (100 * (killed + timeout)) / valid : 100,
  };
}

/** Scores of every group's last report (a group not run this time keeps its previous report). */
function strykerScores(): { scores: Score[]; survivors: { module: string; line: number; mutator: string; replacement?: string }[] } {
  const files: Record<string, { mutants: StrykerMutant[] }> = {};
  for (const g of GROUPS) {
    const path = `${REPORTS}/${g.name}.json`;
    if (existsSync(path)) Object.assign(files, (JSON.parse(readFileSync(path, 'utf8')) as { files: typeof files }).files);
  }
  const scores: Score[] = [];
  const survivors: { module: string; line: number; mutator: string; replacement?: string }[] = [];
  for (const [file, { mutants }] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    scores.push(
      score(
        file,
        mutants.map((m) => m.status),
      ),
    );
    for (const m of mutants) {
      if (m.status === 'Survived' || m.status === 'NoCoverage')
        survivors.push({ module: file, line: m.location.start.line, mutator: m.mutatorName, replacement: m.replacement });
    }
  }
  return { scores, survivors };
}

const { values } = parseArgs({ options: { 'conditions-only': { type: 'boolean', default: false }, group: { type: 'string' } } });
const chosen = values.group?.split(',');
const unknown = chosen?.filter((n) => !GROUPS.some((g) => g.name === n)) ?? [];
if (unknown.length) {
  console.error(`--group: unknown ${unknown.join(', ')} (expected some of ${GROUPS.map((g) => g.name).join(', ')})`);
  process.exit(2);
}
mkdirSync(REPORTS, { recursive: true });
if (!values['conditions-only']) {
  for (const g of GROUPS.filter((x) => !chosen || chosen.includes(x.name))) {
    console.log(`\n== ${g.name}: ${g.mutate.join(', ')} against ${g.tests.join(', ')}`);
    const env = {
      ...process.env,
      AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1',
      MUTATE: g.mutate.join(','),
      MUTATE_GROUP: g.name,
      MUTATE_TESTS: g.tests.join(','),
    };
    const r = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
const { scores, survivors } = strykerScores();
// A narrowed run (--group) leaves the conditions out; they are mutated by a plain run or --conditions-only.
const conditions: ConditionMutant[] = chosen && !values['conditions-only'] ? [] : runConditionMutants(CONDITION_TARGETS, (l) => console.log(l));
for (const t of conditions.length ? CONDITION_TARGETS : []) {
  scores.push(
    score(
      `${t.file} (conditions)`,
      conditions.filter((c) => c.file === t.file).map((c) => c.status),
    ),
  );
}

const table = new Table({ head: ['module', 'score %', 'killed', 'timeout', 'survived', 'no coverage', 'errors'] });
for (const s of scores) table.push([s.module, s.score.toFixed(1), s.killed, s.timeout, s.survived, s.noCoverage, s.errors]);
console.log('\nMutation scores (StrykerJS, vitest runner, per-test coverage; "(conditions)" rows: operators inside SQL / DynamoDB expressions)');
console.log(table.toString());
const surviving = [
  ...survivors,
  ...conditions
    .filter((c) => c.status === 'Survived')
    .map((c) => ({ module: c.file, line: c.line, mutator: `${c.original} -> ${c.replacement}`, replacement: c.context })),
];
writeFileSync(`${REPORTS}/summary.json`, `${JSON.stringify({ scores, survivors: surviving }, null, 2)}\n`);
console.log(`${surviving.length} surviving mutants listed in reports/mutation/summary.json; HTML reports: reports/mutation/<group>.html`);
