import type { Command } from 'commander';
import { ValidationError } from '../../shared/errors.js';
import type { TableFormat } from '../../shared/offline/offline-store.js';
import { listArg } from '../args.js';
import { withStore } from '../context.js';
import { printTable, toJson, type GlobalOptions } from '../output.js';
import { progressBar } from '../progress.js';
import { readRows } from '../read-table.js';

export function registerHistoricalCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('get-historical-features')
    .description('build a point-in-time correct training set for entity rows (Parquet or CSV with event_timestamp)')
    .requiredOption('--entities <path>', 'entity rows: Parquet or CSV with join keys and event_timestamp')
    .option('-f, --features <refs>', 'comma-separated view:feature references', listArg)
    .option('-s, --feature-service <name>', 'a feature service instead of --features')
    .option('--full-feature-names', 'name columns view__feature')
    .option('-o, --output <path>', 'write the result (format from --format or the extension)')
    .option('--format <fmt>', 'parquet | csv | json')
    .option('--limit <n>', 'rows to print when not writing a file', '20')
    .action((o: { entities: string; features?: string[]; featureService?: string; fullFeatureNames?: boolean; output?: string; format?: string; limit: string }) =>
      withStore(globals(), async (store) => {
        const format = (o.format ?? o.output?.split('.').pop() ?? 'parquet') as TableFormat;
        if (!['parquet', 'csv', 'json'].includes(format)) throw new ValidationError(`--format: expected parquet, csv or json, got '${format}'`, [{ field: 'format', message: 'unknown format' }]);
        const bar = progressBar('historical', !globals().json);
        const t0 = performance.now();
        // DuckDB reads local files in place; Athena needs the rows, which are staged to S3 as Parquet.
        const entity = store.config.provider === 'local' ? { path: o.entities } : { rows: await readRows(o.entities) };
        const res = await store
          .getHistoricalFeatures(
            {
              entity,
              ...(o.features ? { features: o.features } : {}),
              ...(o.featureService ? { featureService: o.featureService } : {}),
              fullFeatureNames: o.fullFeatureNames ?? false,
              ...(o.output ? { output: { path: o.output, format } } : {}),
            },
            (f) => bar.update(Math.round(f * 100), 100),
          )
          .finally(() => bar.stop());
        const seconds = (performance.now() - t0) / 1000;
        if (res.path) {
          const summary = { rows: res.rowCount, columns: res.columns, path: res.path, seconds };
          return void console.log(globals().json ? toJson(summary) : `wrote ${res.rowCount} rows × ${res.columns.length} columns to ${res.path} in ${seconds.toFixed(2)} s`);
        }
        const limit = Number(o.limit);
        printTable(res.rows!.slice(0, limit), res.columns, globals(), res.rows);
      }, undefined, true),
    );
}
