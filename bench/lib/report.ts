import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { cpus, totalmem } from 'node:os';

/** Every ratio a bench prints reads the same way: the baseline's cost over skewless's (1 = as fast, < 1 = slower). */
export const RATIO_NOTE = 'speed = baseline cost / skewless cost (1 = as fast as the baseline, < 1 = slower)';

/** Where results go: git ignores it (bench/.gitignore), so a run never dirties the tree. README keeps the figures. */
export const RESULTS_DIR = join(import.meta.dirname, '../results');

/**
 * Prints a captioned table (what was measured, the setup, the baseline, how to read `speed`) and
 * writes `bench/results/<name>.json` with the machine it ran on.
 */
export function report(name: string, caption: string, columns: string[], rows: Record<string, unknown>[], extra: Record<string, unknown> = {}): void {
  const t = new Table({ head: columns, style: { head: [], border: [] } });
  for (const r of rows) t.push(columns.map((c) => fmt(r[c])));
  console.log(`\n${name}: ${caption}\n${RATIO_NOTE}`);
  console.log(t.toString());
  const dir = RESULTS_DIR;
  mkdirSync(dir, { recursive: true });
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) };
  writeFileSync(
    join(dir, `${name}.json`),
    `${JSON.stringify({ name, caption, ratio: RATIO_NOTE, at: new Date().toISOString(), machine, rows, ...extra }, null, 2)}\n`,
  );
}

function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(v < 10 ? 2 : 1);
  return v === undefined || v === null ? '' : String(v);
}

export async function time<T>(fn: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { seconds: (performance.now() - t0) / 1000, result };
}
