import type { Command } from 'commander';
import { instantArg } from '../args.js';
import { withStore } from '../context.js';
import { printTable, type GlobalOptions } from '../output.js';

function human(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)}h`;
  return `${(seconds / 86400).toFixed(1)}d`;
}

export function registerFreshnessCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('freshness')
    .description('age of each online view against its SLA; exits 1 if any view is stale')
    .option('--now <ts>', 'evaluate at this time (default: now)')
    // Every check is kept, like the scheduled Lambda's, so `skewless ui` charts what cron runs saw.
    .option('--no-record', 'do not keep this check in the freshness history')
    .action((o: { now?: string; record: boolean }) =>
      withStore(globals(), async (store) => {
        const views = await store.freshness(o.now ? instantArg(o.now, 'now') : undefined, { record: o.record });
        const stale = views.filter((v) => v.status === 'stale').length;
        printTable(
          views.map((v) => ({
            ...v,
            watermark: v.watermark ?? 'never written',
            age: human(v.ageSeconds),
            sla: human(v.slaSeconds),
            status: v.status.toUpperCase(),
          })),
          ['view', 'version', 'watermark', 'age', 'sla', 'status'],
          globals(),
          { views, stale },
        );
        if (stale) process.exitCode = 1;
      }),
    );
}
