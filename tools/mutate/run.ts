// npm run mutate: StrykerJS over the core modules (stryker.config.mjs), then the write conditions in
// SQL / DynamoDB expression text (conditions.ts), then one score table per module.
// Reports land in reports/ (git-ignored). `npm run mutate -- --conditions-only` skips Stryker;
// `MUTATE=path/a.ts,path/b.ts npm run mutate` narrows Stryker to some files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Table from 'cli-table3';
import { runConditionMutants, type ConditionMutant } from './conditions.js';

const TARGETS = [
  { file: 'shared/online/sqlite-online-store.ts', tests: ['test/online/newer-wins-contract.test.ts', 'test/online/sqlite-online-store.test.ts'] },
  { file: 'shared/online/dynamodb-online-store.ts', tests: ['test/online/newer-wins-contract.test.ts'] },
];
const REPORT = 'reports/mutation/mutation.json';

interface StrykerMutant { status: string; mutatorName: string; replacement?: string; location: { start: { line: number; column: number } } }
interface Score { module: string; killed: number; survived: number; noCoverage: number; timeout: number; errors: number; score: number }

/** Mutation score as Stryker defines it: detected / valid (compile and runtime errors excluded). */
function score(module: string, statuses: string[]): Score {
  const n = (s: string) => statuses.filter((x) => x === s).length;
  const killed = n('Killed'), survived = n('Survived'), noCoverage = n('NoCoverage'), timeout = n('Timeout');
  const valid = killed + survived + noCoverage + timeout;
  return { module, killed, survived, noCoverage, timeout, errors: n('CompileError') + n('RuntimeError'), score: valid ? (100 * (killed + timeout)) / valid : 100 };
}

function strykerScores(): { scores: Score[]; survivors: { module: string; line: number; mutator: string; replacement?: string }[] } {
  if (!existsSync(REPORT)) return { scores: [], survivors: [] };
  const report = JSON.parse(readFileSync(REPORT, 'utf8')) as { files: Record<string, { mutants: StrykerMutant[] }> };
  const scores: Score[] = [];
  const survivors: { module: string; line: number; mutator: string; replacement?: string }[] = [];
  for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    scores.push(score(file, mutants.map((m) => m.status)));
    for (const m of mutants) {
      if (m.status === 'Survived' || m.status === 'NoCoverage') survivors.push({ module: file, line: m.location.start.line, mutator: m.mutatorName, replacement: m.replacement });
    }
  }
  return { scores, survivors };
}

const { values } = parseArgs({ options: { 'conditions-only': { type: 'boolean', default: false } } });
mkdirSync('reports/mutation', { recursive: true });
if (!values['conditions-only']) {
  const r = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const { scores, survivors } = strykerScores();
const conditions: ConditionMutant[] = runConditionMutants(TARGETS, (l) => console.log(l));
for (const t of TARGETS) {
  scores.push(score(`${t.file} (conditions)`, conditions.filter((c) => c.file === t.file).map((c) => c.status)));
}

const table = new Table({ head: ['module', 'score %', 'killed', 'timeout', 'survived', 'no coverage', 'errors'] });
for (const s of scores) table.push([s.module, s.score.toFixed(1), s.killed, s.timeout, s.survived, s.noCoverage, s.errors]);
console.log('\nMutation scores (StrykerJS, vitest runner, per-test coverage; "(conditions)" rows: operators inside SQL / DynamoDB expressions)');
console.log(table.toString());
const surviving = [...survivors, ...conditions.filter((c) => c.status === 'Survived').map((c) => ({ module: c.file, line: c.line, mutator: `${c.original} -> ${c.replacement}`, replacement: c.context }))];
writeFileSync('reports/mutation/summary.json', `${JSON.stringify({ scores, survivors: surviving }, null, 2)}\n`);
console.log(`${surviving.length} surviving mutants listed in reports/mutation/summary.json; HTML report: reports/mutation/index.html`);
