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
    const data = JSON.parse(await readFile(abs, 'utf8')) as unknown;
    if (Array.isArray(data)) return data as Row[];
    if (data && typeof data === 'object') return columnsToRows((data as { df?: Record<string, unknown> }).df ?? (data as Record<string, unknown>));
    throw new ValidationError(`${path}: expected an array of rows or an object of columns`, [{ field: 'file', message: 'unexpected JSON' }]);
  }
  const reader = /\.csv$/i.test(abs) ? `read_csv(${quoteString(abs)}, header = true)` : `read_parquet(${quoteString(abs)})`;
  const db = await DuckDBSession.create();
  try {
    return await db.all(`SELECT * FROM ${reader}`);
  } finally {
    db.close();
  }
}
