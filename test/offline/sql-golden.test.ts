import { describe, expect, it } from 'vitest';
import { athenaSyntaxErrors } from '../../examples/aws-local/athena-grammar.js';
import { AthenaOfflineStore } from '../../shared/offline/athena/athena-offline-store.js';
import { duckdbDialect } from '../../shared/offline/sql/duckdb-dialect.js';
import { node, type RelationLocation } from '../../shared/offline/sql/nodes.js';
import { trinoDialect } from '../../shared/offline/sql/trino-dialect.js';

const source = (location: RelationLocation, created: boolean, dt?: string) =>
  node.source({
    location,
    columns: [
      { source: 'uid', as: 'user_id', dtype: 'String' },
      { source: 'n', as: 'sessions', dtype: 'Int64' },
      { source: 'r', as: 'rate', dtype: 'Float32' },
    ],
    timestampColumn: 'ts',
    ...(created ? { createdColumn: 'created' } : {}),
    ...(dt ? { datePartitionColumn: dt } : {}),
  });

const dialects = [
  { name: 'duckdb-asof', dialect: duckdbDialect('asof'), location: { kind: 'files', files: ['/data/a.parquet'] } as RelationLocation },
  { name: 'duckdb-window', dialect: duckdbDialect('window'), location: { kind: 'files', files: ['/data/a.parquet'] } as RelationLocation },
  { name: 'trino', dialect: trinoDialect(), location: { kind: 'table', database: 'fs', table: 'activity_v1' } as RelationLocation, dt: 'dt', database: 'fs' },
];

/** Only the statement builders are used: no AWS call is made. */
const athenaStore = () =>
  new AthenaOfflineStore({
    s3: {} as never,
    glue: {} as never,
    athena: {} as never,
    bucket: 'bucket',
    prefix: 'offline',
    database: 'fs',
    workgroup: 'primary',
  });

describe('PIT SQL per dialect (golden files)', () => {
  for (const d of dialects) {
    const compiler = d.dialect.createCompiler();
    it(`${d.name}: two views (ttl 1 day with created ts, ttl 0), time-range pruning`, async () => {
      const query = node.pitQuery({
        entity: node.entity({
          table: 'stage',
          ...(d.database ? { database: d.database } : {}),
          rowIdColumn: '__row_id',
          timestampColumn: 'event_timestamp',
          columns: ['user_id', 'event_timestamp', 'label'],
        }),
        views: [
          node.pitView({
            alias: 'fv0',
            source: source(d.location, true, d.dt),
            joinKeys: [{ name: 'user_id', dtype: 'String' }],
            ttlSeconds: 86400,
            features: [{ name: 'sessions', as: 'sessions' }],
          }),
          node.pitView({
            alias: 'fv1',
            source: source(d.location, false, d.dt),
            joinKeys: [{ name: 'user_id', dtype: 'String' }],
            ttlSeconds: 0,
            features: [{ name: 'rate', as: 'rate' }],
          }),
        ],
      });
      const compiled = compiler.compilePit(query, { min: new Date('2024-03-02T00:00:00Z'), max: new Date('2024-03-09T12:00:00Z') });
      // Nothing is bound: the compiled query is its (frozen) SQL text alone.
      expect(Object.isFrozen(compiled)).toBe(true);
      expect(Object.keys(compiled)).toEqual(['sql']);
      const { sql } = compiled;
      await expect(`${sql}\n`).toMatchFileSnapshot(`__golden__/${d.name}-pit.sql`);
      if (d.name === 'trino') {
        // Every Athena statement parses with Trino's grammar: the PIT query, and the UNLOAD around it.
        expect(athenaSyntaxErrors(sql)).toEqual([]);
        const unload = athenaStore().unloadTo({ sql }, 's3://bucket/datasets/x/run-1/');
        await expect(`${unload}\n`).toMatchFileSnapshot('__golden__/trino-unload.sql');
        expect(athenaSyntaxErrors(unload)).toEqual([]);
      }
      if (d.dt) {
        // Partition pruning: whole days outside [min − ttl, max] are never scanned.
        expect(sql).toContain(`"dt" >= '2024-03-01' AND "dt" <= '2024-03-09'`);
        expect(sql).toContain(`"dt" <= '2024-03-09'`);
      }
    });
    it(`${d.name}: latest row per key for materialization`, async () => {
      const { sql } = compiler.compileLatest(
        node.latest({
          source: source(d.location, true, d.dt),
          joinKeys: [{ name: 'user_id', dtype: 'String' }],
          features: ['sessions'],
          start: new Date('2024-03-01T00:00:00Z'),
          end: new Date('2024-03-02T00:00:00Z'),
        }),
      );
      await expect(`${sql}\n`).toMatchFileSnapshot(`__golden__/${d.name}-latest.sql`);
      if (d.name === 'trino') expect(athenaSyntaxErrors(sql)).toEqual([]);
      expect(sql).toContain(`< TIMESTAMP '2024-03-02 00:00:00.000'`);
    });
  }
});
