import type Database from 'better-sqlite3';

/**
 * Rows one SQLite connection has read, kept so a hot entity's lookup skips the B-tree seek — and
 * exact, never stale: the whole cache is dropped when any other connection (another `serve` worker,
 * a materialization, a push) has committed since the last read, which `PRAGMA data_version` tells
 * in one call, and on every write of this connection (which data_version does not count). Bounded:
 * past `maxRows` the oldest entries go first.
 */
export class RowCache<R> {
  private readonly rows = new Map<string, R>();
  private readonly dataVersion: Database.Statement;
  private version: unknown;

  constructor(
    db: Database.Database,
    private readonly maxRows = 50_000,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** Call before reading: drops every row when another connection has committed a change since. */
  sync(): void {
    const v = this.dataVersion.get();
    if (v !== this.version) {
      this.rows.clear();
      this.version = v;
    }
  }

  get(id: string): R | undefined {
    return this.rows.get(id);
  }

  set(id: string, row: R): void {
    if (this.rows.size >= this.maxRows) this.rows.delete(this.rows.keys().next().value!);
    this.rows.set(id, row);
  }

  /** After a write of this connection. */
  clear(): void {
    this.rows.clear();
  }
}
