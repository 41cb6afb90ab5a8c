import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Table from 'cli-table3';
import { cpus, totalmem } from 'node:os';

/** Prints a table and writes `bench/results/<name>.json` with the machine it ran on. */
export function report(name: string, columns: string[], rows: Record<string, unknown>[], extra: Record<string, unknown> = {}): void {
  const t = new Table({ head: columns, style: { head: [], border: [] } });
  for (const r of rows) t.push(columns.map((c) => fmt(r[c])));
  console.log(`\n${name}`);
  console.log(t.toString());
  const dir = join(import.meta.dirname, '../results');
  mkdirSync(dir, { recursive: true });
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30) };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), machine, rows, ...extra }, null, 2) + '\n');
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
