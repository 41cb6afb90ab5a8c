import type { Command } from 'commander';
import { ValidationError } from '../../shared/errors.js';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { ENTITY_TS } from '../../shared/offline/entity-rows.js';
import type { Row, TableFormat } from '../../shared/offline/offline-store.js';
import { listArg } from '../args.js';
import { withStore } from '../context.js';
import { printTable, toJson, type GlobalOptions } from '../output.js';
import { progressBar } from '../progress.js';
import { readRows } from '../read-table.js';

const FORMATS: Record<string, string> = { '.parquet': 'parquet', '.csv': 'csv', '.json': 'json' };

/** The entity file exists and is of a format we read (checked here, so no engine error leaks). */
async function checkEntityFile(path: string): Promise<string> {
  const field = [{ field: 'entities', message: 'expected a Parquet, CSV or JSON file' }];
  const kind = FORMATS[extname(path).toLowerCase()];
  if (!kind) throw new ValidationError(`--entities ${path}: unsupported format: expected a .parquet, .csv or .json file`, field);
  if (path.startsWith('s3://')) {
    // The offline store reads the object itself (and names a missing one); JSON is read here, from local files only.
    if (kind === 'json') throw new ValidationError(`--entities ${path}: JSON entity files are read from local disk; put Parquet or CSV in S3`, field);
    return kind;
  }
  let head: Buffer;
  try {
    const f = await open(path, 'r');
    try {
      head = Buffer.alloc(4);
      await f.read(head, 0, 4, 0);
    } finally {
      await f.close();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(`--entities ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (err as Error).message}`, [
      { field: 'entities', message: 'file not found' },
    ]);
  }
  if (kind === 'parquet' && head.toString('latin1') !== 'PAR1')
    throw new ValidationError(`--entities ${path}: not a Parquet file (it does not start with PAR1)`, field);
  return kind;
}

function renameColumn(rows: Row[], from: string, to: string): Row[] {
  if (from === to) return rows;
  return rows.map((r, row) => {
    if (!(from in r))
      throw new ValidationError(`entity row ${row} has no column '${from}' (--timestamp-column)`, [
        { row, field: from, message: 'required column is missing' },
      ]);
    const { [from]: ts, ...rest } = r;
    if (to in rest)
      throw new ValidationError(`entity rows have both '${from}' and '${to}': rename one`, [{ field: to, message: 'ambiguous timestamp column' }]);
    return { ...rest, [to]: ts };
  });
}

export function registerHistoricalCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('get-historical-features')
    .description('build a point-in-time correct training set for entity rows (Parquet or CSV with event_timestamp)')
    .requiredOption('--entities <path>', 'entity rows: a Parquet or CSV file (local path or s3:// URI) with join keys and event_timestamp')
    .option('-f, --features <refs>', 'comma-separated view:feature references', listArg)
    .option('-s, --feature-service <name>', 'a feature service instead of --features')
    .option('--full-feature-names', 'name columns view__feature')
    .option('-o, --output <path>', 'write the result (format from --format or the extension)')
    .option('--format <fmt>', 'parquet | csv | json')
    .option('--timestamp-column <name>', `the entity rows' timestamp column, renamed ${ENTITY_TS} in the result`, ENTITY_TS)
    .option('--limit <n>', 'rows to print when not writing a file', '20')
    .action(
      (o: {
        entities: string;
        features?: string[];
        featureService?: string;
        fullFeatureNames?: boolean;
        output?: string;
        format?: string;
        limit: string;
        timestampColumn: string;
      }) =>
        withStore(
          globals(),
          async (store) => {
            const format = (o.format ?? (o.output ? extname(o.output).slice(1).toLowerCase() : 'parquet')) as TableFormat;
            if (!['parquet', 'csv', 'json'].includes(format))
              throw new ValidationError(`--format: expected parquet, csv or json, got '${format}'`, [{ field: 'format', message: 'unknown format' }]);
            const input = await checkEntityFile(o.entities);
            const bar = progressBar('historical', !globals().json);
            const t0 = performance.now();
            // Every offline store reads a Parquet or CSV file itself (in chunks); JSON and a renamed
            // timestamp column go through rows. Both paths validate row by row.
            const inPlace = input !== 'json' && o.timestampColumn === ENTITY_TS;
            const entity = inPlace ? { path: o.entities } : { rows: renameColumn(await readRows(o.entities), o.timestampColumn, ENTITY_TS) };
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
              return void console.log(
                globals().json ? toJson(summary) : `wrote ${res.rowCount} rows × ${res.columns.length} columns to ${res.path} in ${seconds.toFixed(2)} s`,
              );
            }
            const limit = Number(o.limit);
            printTable(res.rows!.slice(0, limit), res.columns, globals(), res.rows);
            if (!globals().json && res.rows!.length > limit)
              console.log(`(showing ${limit} of ${res.rows!.length} rows: --limit N shows more, -o FILE writes them all)`);
          },
          undefined,
          true,
        ),
    );
}
