/**
 * Small reads that arrive in the same turn of the event loop, answered by one read of all their
 * keys. `serve` handles each connection's request in its own I/O callback; a flush scheduled with
 * `setImmediate` runs after every callback of that turn, so the lookups of concurrent requests share
 * one read of the SQLite store (one row-cache check, then one statement per view for the misses, all
 * in one read transaction) instead of one each. Under 8 connections this cut `serve`'s CPU per 1-entity lookup by 11–20 %
 * (docs/performance.md, "Online lookup on SQLite"). The price is one event-loop turn per small read,
 * and a read sees the store as of the flush, not the call (a write of the same turn is visible). A
 * failed read fails every request of its batch, as it would have failed each of them.
 */
export class ReadCoalescer<K, R> {
  private queued: { keys: readonly K[]; resolve: (rows: (R | undefined)[]) => void; reject: (err: unknown) => void }[] = [];

  /** `readAll` answers `keys` in their order (undefined where nothing is stored); keys may repeat. */
  constructor(private readonly readAll: (keys: readonly K[]) => Promise<(R | undefined)[]>) {}

  read(keys: readonly K[]): Promise<(R | undefined)[]> {
    return new Promise((resolve, reject) => {
      if (this.queued.push({ keys, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    try {
      const rows = await this.readAll(batch.length === 1 ? batch[0].keys : batch.flatMap((b) => b.keys));
      let at = 0;
      for (const b of batch) {
        b.resolve(rows.slice(at, at + b.keys.length));
        at += b.keys.length;
      }
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }
}
