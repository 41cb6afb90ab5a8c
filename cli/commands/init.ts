import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CONFIG_FILE } from '../../shared/config/config.js';
import { ConflictError } from '../../shared/errors.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteString } from '../../shared/offline/sql/quote.js';
import { instantArg } from '../args.js';
import type { GlobalOptions } from '../output.js';

const DEFINITIONS = `import { Entity, FeatureService, FeatureView, Field, FileSource, Float32, Int64 } from 'skewless';

export const driver = new Entity({ name: 'driver', joinKeys: ['driver_id'], valueType: Int64 });

export const driverStatsSource = new FileSource({
  name: 'driver_hourly_stats_source',
  path: 'data/driver_stats.parquet',
  timestampField: 'event_timestamp',
  createdTimestampColumn: 'created',
});

export const driverHourlyStats = new FeatureView({
  name: 'driver_hourly_stats',
  entities: [driver],
  ttl: { days: 1 },
  schema: [
    new Field({ name: 'conv_rate', dtype: Float32 }),
    new Field({ name: 'acc_rate', dtype: Float32 }),
    new Field({ name: 'avg_daily_trips', dtype: Int64 }),
  ],
  source: driverStatsSource,
  tags: { team: 'driver_performance', freshness_sla: 'hourly' },
});

export const driverActivity = new FeatureService({ name: 'driver_activity', features: [driverHourlyStats] });
`;

/** Hourly stats for 5 drivers over 15 days before `end`, deterministic (hash-based, no RNG state). */
function sampleSql(end: Date): string {
  const endTs = quoteString(end.toISOString().replace('T', ' ').replace('Z', ''));
  return `SELECT 1001 + d AS driver_id,
    TIMESTAMP ${endTs} - INTERVAL (h) HOUR AS event_timestamp,
    TIMESTAMP ${endTs} - INTERVAL (h) HOUR AS created,
    CAST((hash(d, h, 'conv') % 1000) / 1000.0 AS FLOAT) AS conv_rate,
    CAST((hash(d, h, 'acc') % 1000) / 1000.0 AS FLOAT) AS acc_rate,
    CAST(hash(d, h, 'trips') % 1000 AS BIGINT) AS avg_daily_trips
  FROM range(5) t(d), range(360) s(h) ORDER BY event_timestamp, driver_id`;
}

/** The checkout this CLI runs from: a new repo depends on it (`file:`), so `npm install` works offline. */
const LIBRARY_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** A word as a POSIX shell reads it. */
const shellWord = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The files that make DIR an npm package whose `skewless` command and import resolve to this library. */
function packageFiles(project: string): Record<string, string> {
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  return {
    // Definitions are ES modules wherever the repo lives; `npm install` links the library and its bin.
    'package.json': json({
      name: project.toLowerCase().replace(/^_+/, '') || 'feature-repo',
      private: true,
      type: 'module',
      dependencies: { skewless: `file:${LIBRARY_ROOT}` },
    }),
    // Editors and `tsc` resolve 'skewless' through node_modules, with the compiler options the library needs.
    'tsconfig.json': json({ extends: './node_modules/skewless/tsconfig.repo.json', include: ['**/*.ts'], exclude: ['node_modules', '.skewless'] }),
    '.gitignore': '.skewless/\nnode_modules/\n',
  };
}

export function registerInitCommand(program: Command, _globals: () => GlobalOptions): void {
  program
    .command('init')
    .description('scaffold a working feature repo in DIR')
    .argument('<dir>', 'directory to create')
    .option('--end <ts>', 'last timestamp of the sample data (default: the start of the current hour)')
    .action(async (dir: string, o: { end?: string }) => {
      const root = resolve(dir);
      if (existsSync(join(root, CONFIG_FILE))) throw new ConflictError(`${root} is already a feature repo (${CONFIG_FILE} exists)`);
      await mkdir(join(root, 'data'), { recursive: true });
      const project = (root.split('/').pop() ?? 'repo').replace(/[^A-Za-z0-9_]/g, '_').replace(/^(\d)/, '_$1');
      await writeFile(
        join(root, CONFIG_FILE),
        `${JSON.stringify({ project, provider: 'local', definitions: 'definitions.ts', dataDir: '.skewless' }, null, 2)}\n`,
      );
      await writeFile(join(root, 'definitions.ts'), DEFINITIONS);
      for (const [file, text] of Object.entries(packageFiles(project))) await writeFile(join(root, file), text);
      const end = o.end ? instantArg(o.end, 'end') : new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
      const db = await DuckDBSession.create();
      try {
        await db.copyTo(sampleSql(end), join(root, 'data', 'driver_stats.parquet'), 'parquet');
      } finally {
        db.close();
      }
      // END is exclusive: one hour past the last sample row, so every sample row is materialized.
      const materializeEnd = new Date(end.getTime() + 3_600_000).toISOString();
      console.log(
        `Created feature repo ${root}\n  cd ${shellWord(dir)} && npm install && npx skewless apply && npx skewless materialize-incremental ${materializeEnd}`,
      );
    });
}
