import { describe, expect, it } from 'vitest';
import { athenaSyntaxErrors } from '../../examples/aws-local/athena-grammar.js';
import { ValidationError } from '../../shared/errors.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { AsofPitCompiler } from '../../shared/offline/sql/asof-pit-compiler.js';
import { hivePathFilter } from '../../shared/offline/sql/dialect.js';
import { duckdbDialect } from '../../shared/offline/sql/duckdb-dialect.js';
import { node, type RelationLocation } from '../../shared/offline/sql/nodes.js';
import { PitCompiler } from '../../shared/offline/sql/pit-compiler.js';
import { trinoDialect } from '../../shared/offline/sql/trino-dialect.js';
import { unloadStatement } from '../../shared/offline/sql/unload.js';
import { WindowPitCompiler } from '../../shared/offline/sql/window-pit-compiler.js';

const table = (objects?: string[]): RelationLocation => ({ kind: 'table', database: 'fs', table: 'activity_v1', ...(objects ? { objects } : {}) });
const source = (location: RelationLocation) =>
  node.source({
    location,
    columns: [
      { source: 'uid', as: 'user_id', dtype: 'String' },
      { source: 'n', as: 'n', dtype: 'Int64' },
    ],
    timestampColumn: 'ts',
    datePartitionColumn: 'dt',
  });

/** A view keyed by user_id over an empty files source, selecting its `n` under each alias. */
const userView = (alias: string, outputs: string[], ttlSeconds: number) =>
  node.pitView({
    alias,
    source: source({ kind: 'files', files: [] }),
    joinKeys: [{ name: 'user_id', dtype: 'String' }],
    ttlSeconds,
    features: outputs.map((as) => ({ name: 'n', as })),
  });

describe('Module: dialects create their compilers', () => {
  it('DuckDB creates the ASOF form by default and the window form on request; Trino the window form', () => {
    expect(duckdbDialect().createCompiler()).toBeInstanceOf(AsofPitCompiler);
    expect(duckdbDialect('window').createCompiler()).toBeInstanceOf(WindowPitCompiler);
    expect(trinoDialect().createCompiler()).toBeInstanceOf(WindowPitCompiler);
    for (const c of [duckdbDialect().createCompiler(), trinoDialect().createCompiler()]) expect(c).toBeInstanceOf(PitCompiler);
    const d = trinoDialect();
    expect(d.createCompiler().dialect).toBe(d);
  });
});

describe('Class: PitCompiler', () => {
  describe('Method: compilePit', () => {
    // Aliases that a regex over SQL text could misread: quotes, " AS ", and each other's suffixes.
    const aliases = ['a" AS "b', 'b', 'x AS "y"', 'weird""'];
    const query = (featureOrder?: string[]) =>
      node.pitQuery({
        entity: node.entity({ table: 'stage', rowIdColumn: '__row_id', timestampColumn: 'event_timestamp', columns: ['user_id', 'event_timestamp'] }),
        views: [userView('fv0', [aliases[0], aliases[1]], 60), userView('fv1', [aliases[2], aliases[3]], 0)],
        ...(featureOrder ? { featureOrder } : {}),
      });

    it('emits the features in the requested order under their exact names, on every form (run on DuckDB)', async () => {
      const db = await DuckDBSession.create();
      try {
        await db.run(`CREATE TABLE "stage" AS SELECT 0 AS "__row_id", 'u' AS "user_id", TIMESTAMP '2024-01-01' AS "event_timestamp"`);
        const order = [aliases[3], aliases[0], aliases[2], aliases[1]];
        for (const compiler of [duckdbDialect('asof').createCompiler(), duckdbDialect('window').createCompiler()]) {
          const { sql } = compiler.compilePit(query(order));
          const described = await db.all(`DESCRIBE SELECT * FROM (${sql}) t`);
          expect(described.map((r) => r.column_name)).toEqual(['user_id', 'event_timestamp', ...order]);
        }
      } finally {
        db.close();
      }
    });

    it('refuses colliding output names (an entity column and a feature, or two features), naming each once', () => {
      for (const compiler of [duckdbDialect().createCompiler(), trinoDialect().createCompiler()]) {
        const clash = node.pitQuery({
          entity: node.entity({ table: 'stage', rowIdColumn: '__row_id', timestampColumn: 'event_timestamp', columns: ['user_id', 'event_timestamp', 'n'] }),
          views: [userView('fv0', ['n', 'm'], 0), userView('fv1', ['m'], 0)],
        });
        const err = (() => {
          try {
            compiler.compilePit(clash);
          } catch (e) {
            return e as ValidationError;
          }
        })();
        expect(err).toBeInstanceOf(ValidationError);
        expect(err!.message).toBe('output column name collision: n, m; use full_feature_names (view__feature) or rename the entity column');
        expect(err!.issues).toEqual([
          { field: 'n', message: 'appears more than once in the output' },
          { field: 'm', message: 'appears more than once in the output' },
        ]);
      }
    });

    it('refuses an entity column named like its internal row id', () => {
      const reserved = node.pitQuery({
        entity: node.entity({
          table: 'stage',
          rowIdColumn: '__row_id',
          timestampColumn: 'event_timestamp',
          columns: ['user_id', 'event_timestamp', '__row_id'],
        }),
        views: [userView('fv0', ['n'], 0)],
      });
      expect(() => duckdbDialect().createCompiler().compilePit(reserved)).toThrow(
        expect.objectContaining({ message: "entity column '__row_id' is reserved", issues: [{ field: '__row_id', message: 'reserved name' }] }),
      );
    });

    it('refuses a requested output it has no selection for', () => {
      expect(() =>
        trinoDialect()
          .createCompiler()
          .compilePit(query(['nope'])),
      ).toThrow(/no selection for output column nope/);
    });
  });

  describe('Method: sourceSelect', () => {
    it('reads a source with no files yet that declares created and partition columns, inside a window (run on DuckDB)', async () => {
      const empty = node.source({
        location: { kind: 'files', files: [] },
        columns: [
          { source: 'uid', as: 'user_id', dtype: 'String' },
          { source: 'n', as: 'n', dtype: 'Int64' },
        ],
        timestampColumn: 'ts',
        createdColumn: 'created',
        datePartitionColumn: 'dt',
      });
      const db = await DuckDBSession.create();
      try {
        for (const compiler of [duckdbDialect().createCompiler(), duckdbDialect('window').createCompiler()]) {
          const sql = compiler.sourceSelect(empty, { from: new Date('2024-03-01T00:00:00Z'), to: new Date('2024-03-02T00:00:00Z'), halfOpen: true });
          expect(await db.all(sql)).toEqual([]);
          expect((await db.all(`DESCRIBE ${sql}`)).map((r) => r.column_name)).toEqual(['user_id', 'n', '__event_ts', '__created_ts']);
        }
      } finally {
        db.close();
      }
    });
  });

  describe('Method: compileLatest', () => {
    const latest = (objects?: string[]) =>
      node.latest({
        source: source(table(objects)),
        joinKeys: [{ name: 'user_id', dtype: 'String' }],
        features: ['n'],
        start: new Date('2024-03-01T00:00:00Z'),
        end: new Date('2024-03-02T00:00:00Z'),
      });

    it('restricts a table read to the given objects with a quoted "$path" list that Trino accepts, inside UNLOAD too', () => {
      const { sql } = trinoDialect()
        .createCompiler()
        .compileLatest(latest(["s3://b/offline/a/v1/dt=2024-03-01/p'1.parquet", 's3://b/offline/a/v1/dt=2024-03-01/p2.parquet']));
      expect(sql).toContain(`"$path" IN ('s3://b/offline/a/v1/dt=2024-03-01/p''1.parquet', 's3://b/offline/a/v1/dt=2024-03-01/p2.parquet')`);
      expect(sql).toContain(`"dt" >= '2024-03-01' AND "dt" <= '2024-03-02'`);
      expect(athenaSyntaxErrors(sql)).toEqual([]);
      expect(athenaSyntaxErrors(unloadStatement(sql, 's3://b/offline/_staging/latest-1/'))).toEqual([]);
      // Without objects, the whole table (window partitions) is read.
      expect(trinoDialect().createCompiler().compileLatest(latest()).sql).not.toContain('$path');
    });

    it('refuses an empty object list, and objects on a dialect that reads files', () => {
      expect(() => hivePathFilter([])).toThrow(/at least one object/);
      expect(() =>
        duckdbDialect()
          .createCompiler()
          .compileLatest(latest(['s3://b/k'])),
      ).toThrow(/reads files/);
    });
  });
});

describe('Module: unload', () => {
  it('wraps a query (WITH included) as a derived table, normalizes the trailing slash, quotes the target', () => {
    expect(unloadStatement('WITH a AS (SELECT 1 AS x) SELECT x FROM a', "s3://b/out/it's")).toBe(
      `UNLOAD (SELECT * FROM (WITH a AS (SELECT 1 AS x) SELECT x FROM a) "__dataset") TO 's3://b/out/it''s/' WITH (format = 'PARQUET')`,
    );
    expect(unloadStatement('SELECT 1', 's3://b/out/')).toMatch(/TO 's3:\/\/b\/out\/' WITH/);
    expect(athenaSyntaxErrors(unloadStatement('WITH a AS (SELECT 1 AS x) SELECT x FROM a', 's3://b/out/'))).toEqual([]);
  });

  it('refuses a target that is not an s3:// prefix', () => {
    for (const bad of ['/tmp/out', 's3://', 'https://b/out/']) expect(() => unloadStatement('SELECT 1', bad)).toThrow(/s3:\/\/ prefix/);
  });
});
