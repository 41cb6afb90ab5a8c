import Table from 'cli-table3';
import { SkewlessError } from '../shared/errors.js';
import { ENV } from '../shared/layout/env.js';

export interface GlobalOptions {
  repo: string;
  json?: boolean;
}

/** Prints rows as a table on humans' terminals, or JSON with --json. */
export function printTable(rows: Record<string, unknown>[], columns: string[], opts: GlobalOptions, jsonValue: unknown = rows): void {
  if (opts.json) return void console.log(JSON.stringify(jsonValue, null, 2));
  if (!rows.length) return void console.log('(none)');
  const t = new Table({ head: columns, style: { head: [], border: [] } });
  for (const r of rows) t.push(columns.map((c) => formatCell(r[c])));
  console.log(t.toString());
}

export function formatCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, '');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

/** One place that turns an error into stderr text (or JSON) and an exit code. */
export function reportError(err: unknown, asJson: boolean): number {
  if (err instanceof SkewlessError) {
    if (asJson) console.error(toJson({ error: { code: err.code, message: err.message, details: err.details } }));
    else {
      console.error(`error: ${err.message}`);
      const issues = (err.details as { issues?: { row?: number; field: string; message: string }[] } | undefined)?.issues ?? [];
      for (const i of issues.slice(0, 20)) console.error(`  - ${i.row !== undefined ? `row ${i.row}, ` : ''}field '${i.field}': ${i.message}`);
    }
    return 1;
  }
  console.error(err instanceof Error ? (process.env[ENV.debug] ? err.stack : `error: ${err.message}`) : `error: ${String(err)}`);
  return 2;
}
