import type Database from 'better-sqlite3';

/**
 * Rows one SQLite connection has read, kept so a hot entity's lookup skips the B-tree seek — and
 * exact, never stale: the whole cache is dropped when any other connection (another `serve` worker,
 * a materialization, a push) has committed since the last read, which `PRAGMA data_version` tells
 * in one call, and on every write of this connection (which data_version does not count). Bounded:
 * past `maxRows` the oldest rows of the view being read go first.
 */
export class RowCache<R> {
  // Per view, then per entity key: a lookup finds its row without making a combined key string.
  private readonly views = new Map<string, Map<string, R>>();
  private size = 0;
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
      this.clear();
      this.version = v;
    }
  }

  get(view: string, entityKey: string): R | undefined {
    return this.views.get(view)?.get(entityKey);
  }

  set(view: string, entityKey: string, row: R): void {
    let rows = this.views.get(view);
    if (!rows) this.views.set(view, (rows = new Map()));
    if (rows.has(entityKey)) {
      rows.set(entityKey, row);
      return;
    }
    if (this.size >= this.maxRows) {
      // The view's oldest row makes room (another view's, when this one has none yet).
      let from = rows;
      if (!from.size) for (const m of this.views.values()) if (m.size) from = m;
      from.delete(from.keys().next().value!);
      this.size--;
    }
    this.size++;
    rows.set(entityKey, row);
  }

  /** After a write of this connection. */
  clear(): void {
    this.views.clear();
    this.size = 0;
  }
}
