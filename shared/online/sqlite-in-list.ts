import type Database from 'better-sqlite3';

/**
 * Prepared statements with an `IN (?, ?, …)` list of n placeholders, one per n: SQLite plans a
 * literal list as n index seeks with no JSON parsing or virtual table (measured faster than
 * `IN (SELECT value FROM json_each(?))` on lookups of 1–100 keys). Rows come back as arrays.
 */
export class InListStatements {
  private readonly byCount = new Map<number, Database.Statement>();

  /** `sql` receives the placeholder list, e.g. `?, ?, ?`. */
  constructor(
    private readonly db: Database.Database,
    private readonly sql: (marks: string) => string,
  ) {}

  /**
   * The statement for `keys`, padded in place to a size class (up to 8 keys: exact; above: the next
   * power of two) by repeating the last key, which `IN` ignores: a server whose lookups come in any
   * size up to hundreds keeps ~14 statements, not one per size (each costs a prepare and memory).
   */
  padded(keys: string[]): Database.Statement {
    const n = keys.length;
    const size = n <= 8 ? n : 2 ** Math.ceil(Math.log2(n));
    while (keys.length < size) keys.push(keys[n - 1]);
    return this.get(size);
  }

  get(n: number): Database.Statement {
    let stmt = this.byCount.get(n);
    if (!stmt) {
      stmt = this.db.prepare(this.sql(Array.from({ length: n }, () => '?').join(', '))).raw(true);
      this.byCount.set(n, stmt);
    }
    return stmt;
  }
}
