import type { Command } from 'commander';
import type { FeatureStore } from '../../shared/feature-store.js';
import type { ViewMaterialization } from '../../shared/services/materialize.js';
import { instantArg, listArg } from '../args.js';
import { withStore } from '../context.js';
import { printTable, type GlobalOptions } from '../output.js';
import { progressBar } from '../progress.js';

const COLUMNS = ['view', 'start', 'end', 'rows', 'written', 'skipped'];

/** The views a run covers (named ones, else every online view): the progress bar's total. */
async function viewCount(store: FeatureStore, views?: string[]): Promise<number> {
  if (views?.length) return views.length;
  return Object.values((await store.registryDump())?.featureViews ?? {}).filter((v) => v.online).length;
}

/**
 * Runs one materialization with a progress bar on a TTY, then prints the per-view table and rows/s.
 * The total is the number of views (rows per view are not known before they are read): the bar
 * advances as each view completes and counts the rows written so far.
 */
async function runWithProgress(
  opts: GlobalOptions,
  totalViews: number,
  run: (progress: (e: { view: string; rows: number; done: boolean }) => void) => Promise<ViewMaterialization[]>,
): Promise<void> {
  const bar = progressBar('materialize', !opts.json, 'materialize [{bar}] {value}/{total} views | {view}: {rows} rows');
  const t0 = performance.now();
  let done = 0;
  try {
    const res = await run((e) => bar.update(e.done ? ++done : done, Math.max(totalViews, 1), { view: e.view, rows: e.rows.toLocaleString('en-US') }));
    bar.stop();
    await report(res, opts, (performance.now() - t0) / 1000);
  } finally {
    bar.stop();
  }
}

async function report(result: ViewMaterialization[], opts: GlobalOptions, seconds: number): Promise<void> {
  printTable(result as unknown as Record<string, unknown>[], COLUMNS, opts, { materialized: result, seconds });
  if (!opts.json) {
    const rows = result.reduce((n, r) => n + r.rows, 0);
    console.log(`${rows} rows in ${seconds.toFixed(2)} s (${Math.round(rows / Math.max(seconds, 1e-9))} rows/s)`);
  }
}

export function registerMaterializeCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('compute')
    .description("run a view's declared batch transformation as of a time, writing a new part of its source")
    .argument('<view>', 'feature view name')
    .requiredOption('--as-of <ts>', 'RFC 3339 instant: nothing after it is read')
    .action((view: string, o: { asOf: string }) =>
      withStore(
        globals(),
        async (store) => {
          const r = await store.compute(view, instantArg(o.asOf, 'as-of'));
          console.log(globals().json ? JSON.stringify(r, null, 2) : `computed ${r.rows} rows of ${r.view} as of ${r.asOf} → ${r.path}`);
        },
        undefined,
        true,
      ),
    );

  program
    .command('materialize')
    .description('copy the latest value per entity with START <= event_ts < END to the online store (END is exclusive)')
    .argument('<start>', 'RFC 3339 start (inclusive)')
    .argument('<end>', 'RFC 3339 end (exclusive)')
    .option('-v, --views <names>', 'comma-separated views (default: all online views)', listArg)
    .action((start: string, end: string, o: { views?: string[] }) =>
      withStore(globals(), async (store) =>
        runWithProgress(globals(), await viewCount(store, o.views), (progress) =>
          store.materialize({ start: instantArg(start, 'start'), end: instantArg(end, 'end'), ...(o.views ? { views: o.views } : {}) }, progress),
        ),
      ),
    );

  program
    .command('materialize-incremental')
    .description('materialize from each view’s last recorded end (or END − ttl) up to END; END is exclusive: rows at END itself are not included')
    .argument('<end>', 'RFC 3339 end (exclusive)')
    .option('-v, --views <names>', 'comma-separated views', listArg)
    .option('--compute', 'first run each view’s declared batch transformation over all data before END')
    .action((end: string, o: { views?: string[]; compute?: boolean }) =>
      withStore(
        globals(),
        async (store) => {
          if (o.compute) {
            for (const view of store.computableViews().filter((v) => !o.views || o.views.includes(v))) {
              // As of the last instant before END, so the rows fall inside [start, END) and are served now.
              const r = await store.compute(view, new Date(instantArg(end, 'end').getTime() - 1));
              if (!globals().json) console.error(`computed ${r.rows} rows of ${r.view} as of ${r.asOf}`);
            }
          }
          await runWithProgress(globals(), await viewCount(store, o.views), (progress) =>
            store.materializeIncremental({ end: instantArg(end, 'end'), ...(o.views ? { views: o.views } : {}) }, progress),
          );
        },
        undefined,
        Boolean(o.compute),
      ),
    );
}
