import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ValidationError } from '../shared/errors.js';
import { DuckDBSession } from '../shared/offline/duckdb/session.js';
import { quoteString } from '../shared/offline/sql/quote.js';
import type { Row } from '../shared/offline/offline-store.js';
import { columnsToRows } from '../shared/services/rows.js';

/** Rows from a JSON file (array of rows or `{ col: [values] }`), a CSV or a Parquet file. */
export async function readRows(path: string): Promise<Row[]> {
  const abs = resolve(path);
  if (/\.json$/i.test(abs)) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(abs, 'utf8'));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new ValidationError(`${path}: ${e.code === 'ENOENT' ? 'no such file' : `invalid JSON: ${e.message}`}`, [
        { field: 'file', message: e.code === 'ENOENT' ? 'file not found' : 'invalid JSON' },
      ]);
    }
    if (Array.isArray(data)) return data as Row[];
    if (data && typeof data === 'object') return columnsToRows((data as { df?: Record<string, unknown> }).df ?? (data as Record<string, unknown>));
    throw new ValidationError(`${path}: expected an array of rows or an object of columns`, [{ field: 'file', message: 'unexpected JSON' }]);
  }
  const reader = /\.csv$/i.test(abs) ? `read_csv(${quoteString(abs)}, header = true)` : `read_parquet(${quoteString(abs)})`;
  const db = await DuckDBSession.create();
  try {
    return await db.all(`SELECT * FROM ${reader}`);
  } catch (err) {
    // The engine's message names the file; its first line is the useful part.
    const first = String((err as Error).message)
      .split('\n')[0]
      .replace(/^[A-Za-z ]+Error: /, '');
    throw new ValidationError(`${path}: cannot read as ${/\.csv$/i.test(abs) ? 'CSV' : 'Parquet'}: ${first}`, [{ field: 'file', message: 'unreadable file' }]);
  } finally {
    db.close();
  }
}
