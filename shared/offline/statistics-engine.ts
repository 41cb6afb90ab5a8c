import type { AthenaClient } from '@aws-sdk/client-athena';
import type { FeatureViewSpec } from '../registry/types.js';
import { AthenaRunner } from './athena/athena-runner.js';
import { viewTableName } from './athena/glue-tables.js';
import { DuckDBSession } from './duckdb/session.js';
import { listSourceFiles } from './local/file-listing.js';
import type { Row } from './offline-store.js';
import { batchSourceSpec, sourceNodeFor } from './source-node.js';
import { duckdbDialect } from './sql/duckdb-dialect.js';
import type { SourceNode } from './sql/nodes.js';
import { StatisticsCompiler } from './sql/statistics-compiler.js';
import { trinoDialect } from './sql/trino-dialect.js';

/**
 * Where data statistics run: the provider's offline engine, given SQL from the statistics compiler
 * of its dialect. Read-only; it never writes offline data.
 */
export interface StatisticsEngine {
  readonly compiler: StatisticsCompiler;
  readonly engine: 'duckdb' | 'athena';
  /** The view's offline rows as a typed source (files listed now, or its Glue table with `dt` pruning). */
  source(view: FeatureViewSpec): Promise<SourceNode>;
  all(sql: string): Promise<Row[]>;
  close(): Promise<void>;
}

/** provider local: an embedded DuckDB of its own over the view's Parquet files, one statement at a time. */
export function duckdbStatisticsEngine(repoDir: string): StatisticsEngine {
  let session: Promise<DuckDBSession> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    compiler: new StatisticsCompiler(duckdbDialect().createCompiler()),
    engine: 'duckdb',
    source: async (view) => sourceNodeFor(view, { kind: 'files', files: await listSourceFiles(repoDir, batchSourceSpec(view).path) }),
    all(sql) {
      const run = queue.then(async () => {
        session ??= DuckDBSession.create({ threads: 1 });
        return (await session).all(sql);
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async close() {
      if (session) (await session).close();
    },
  };
}

/** provider aws: Athena over the view version's Glue table. */
export function athenaStatisticsEngine(o: { client: AthenaClient; workgroup: string; database: string; outputLocation?: string }): StatisticsEngine {
  const runner = new AthenaRunner(o);
  return {
    compiler: new StatisticsCompiler(trinoDialect().createCompiler()),
    engine: 'athena',
    source: async (view) => sourceNodeFor(view, { kind: 'table', database: o.database, table: viewTableName(view) }, 'dt'),
    async all(sql) {
      const { queryId } = await runner.run(sql);
      return (await runner.rows(queryId)).rows;
    },
    close: async () => undefined,
  };
}
