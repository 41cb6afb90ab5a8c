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

/**
 * One measured target of a bench (issue 13's "ratio with its threshold, met / not met"). `higher`
 * means the value must be ≥ threshold (speed ratios, throughput ratios); `lower` means ≤ (cost
 * ratios such as p99 over the floor's p99, seconds).
 */
export interface Target {
  target: string;
  value: number;
  threshold: number;
  better: 'higher' | 'lower';
  unit?: string;
}

const recorded: Target[] = [];

export function isMet(t: Target): boolean {
  return t.better === 'higher' ? t.value >= t.threshold : t.value <= t.threshold;
}

/** Prints the targets of one bench as a table and writes `bench/results/targets-<name>.json`. */
export function verdicts(name: string, targets: Target[]): void {
  recorded.push(...targets);
  const t = new Table({ head: ['target', 'measured', 'threshold', 'verdict'], style: { head: [], border: [] } });
  for (const x of targets) {
    const unit = x.unit ?? '×';
    t.push([x.target, `${fmt(x.value)} ${unit}`, `${x.better === 'higher' ? '≥' : '≤'} ${fmt(x.threshold)} ${unit}`, isMet(x) ? 'met' : 'NOT MET']);
  }
  console.log(`\n${name} targets:`);
  console.log(t.toString());
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, `targets-${name}.json`),
    `${JSON.stringify({ name, at: new Date().toISOString(), targets: targets.map((x) => ({ ...x, met: isMet(x) })) }, null, 2)}\n`,
  );
}

/** Every target recorded in this process, for the summary `npm run bench` prints last. */
export function recordedTargets(): readonly Target[] {
  return recorded;
}

/** Microsecond-precision percentile of a sample of durations in milliseconds (nearest-rank). */
export function percentile(samplesMs: readonly number[], p: number): number {
  if (!samplesMs.length) return Number.NaN;
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[rank] * 1000) / 1000;
}
