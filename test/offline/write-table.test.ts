import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaOfflineStore } from '../../shared/offline/athena/athena-offline-store.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { tempDir } from '../helpers/tmp.js';

/** Result tables whose column types come from the type map (declared) or from one inference (undeclared). */
describe('writeTable: column types through the type map', () => {
  const tmp = tempDir();
  let db: DuckDBSession;
  beforeAll(async () => (db = await DuckDBSession.create()));
  afterAll(() => (db.close(), tmp.cleanup()));

  it('provider aws: an undeclared column of mixed values is written as text (it used to fail as Int64)', async () => {
    const store = new AthenaOfflineStore({
      s3: {} as never,
      glue: {} as never,
      athena: {} as never,
      bucket: 'b',
      prefix: 'offline',
      database: 'd',
      workgroup: 'w',
    });
    const path = join(tmp.dir, 'mixed.parquet');
    await store.writeTable(
      [{ name: 'c' }, { name: 'n' }],
      [
        { c: 1, n: 1 },
        { c: 'a', n: 2.5 },
        { c: { k: 1 }, n: null },
      ],
      { path, format: 'parquet' },
    );
    const rows = await db.all(`SELECT c, n, typeof(c) AS tc, typeof(n) AS tn FROM read_parquet('${path}')`);
    expect(rows.map((r) => [r.c, r.n])).toEqual([
      ['1', 1],
      ['a', 2.5],
      ['{"k":1}', null],
    ]);
    expect([rows[0].tc, rows[0].tn]).toEqual(['VARCHAR', 'DOUBLE']);
  });

  it('provider local: an array of timestamps is written as an array, not cast as one timestamp (it used to fail)', async () => {
    const store = new LocalOfflineStore({ repoDir: tmp.dir });
    const path = join(tmp.dir, 'ts-array.parquet');
    try {
      await store.writeTable(
        [
          { name: 'ts', dtype: 'Array(UnixTimestamp)' },
          { name: 'seen', dtype: 'UnixTimestamp' },
        ],
        [{ ts: ['2026-01-01T00:00:00Z'], seen: new Date('2026-01-02T00:00:00Z') }],
        { path, format: 'parquet' },
      );
    } finally {
      await store.close();
    }
    const [described] = await db.all(`DESCRIBE SELECT ts, seen FROM read_parquet('${path}')`);
    expect(described.column_type).toBe('TIMESTAMP[]');
    const [row] = await db.all(`SELECT ts, seen FROM read_parquet('${path}')`);
    expect(row.ts).toEqual([new Date('2026-01-01T00:00:00Z')]);
    expect(row.seen).toEqual(new Date('2026-01-02T00:00:00Z'));
  });
});
