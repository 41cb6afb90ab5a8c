import type { BatchEngine } from '../capabilities.js';

/**
 * Batch transformations on a fresh embedded DuckDB session (UTC). The engine is imported only when a
 * transformation runs (CLI, jobs), so a Lambda bundle that carries this module never loads DuckDB.
 */
export const duckdbBatchEngine: BatchEngine = {
  async run(fn) {
    const { DuckDBSession } = await import('./session.js');
    const db = await DuckDBSession.create();
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  },
};
