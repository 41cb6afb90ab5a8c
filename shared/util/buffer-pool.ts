/**
 * Reusable byte buffers for large responses. A 100-entity lookup answers ~275 KB; allocating that
 * per request grows V8's external memory by as much, and every ~64 MB of it forces a full
 * mark-compact (a 5–10 ms pause: the p99 of a loaded server). Buffers are handed out with
 * `acquire` and come back only when their user says so with `release` (serve: once the socket has
 * the bytes; Lambda: once they are decoded); a buffer never released is simply collected.
 */
export class BufferPool {
  private readonly free: Buffer[] = [];
  // The pool's own buffers by their memory: a view on one (a subarray) releases it.
  private readonly issued = new WeakMap<ArrayBuffer, Buffer>();

  constructor(private readonly maxFree = 8) {}

  acquire(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= size);
    if (i >= 0) return this.free.splice(i, 1)[0];
    // Whole ArrayBuffers of their own (never slices of Node's shared 8 KB pool), so a view identifies one.
    const b = Buffer.from(new ArrayBuffer(size));
    this.issued.set(b.buffer as ArrayBuffer, b);
    return b;
  }

  /** Gives back the buffer `bytes` is (a view of); anything else is ignored. Its bytes must not be used afterwards. */
  release(bytes: Uint8Array): void {
    const b = this.issued.get(bytes.buffer as ArrayBuffer);
    if (!b || this.free.includes(b)) return;
    this.free.push(b);
    // Keep the largest few.
    if (this.free.length > this.maxFree) this.free.sort((x, y) => y.length - x.length).pop();
  }
}
