import { describe, expect, it } from 'vitest';
import { BufferPool } from '../../shared/util/buffer-pool.js';

describe('Class: BufferPool', () => {
  it('hands a released buffer out again, by a view of it too, and only when it is large enough', () => {
    const pool = new BufferPool(2);
    const a = pool.acquire(1000);
    expect(a.length).toBe(1000);
    pool.release(a.subarray(10, 20));
    expect(pool.acquire(2000)).not.toBe(a);
    expect(pool.acquire(500)).toBe(a);
    // Acquired again: not free until released again.
    expect(pool.acquire(500)).not.toBe(a);
  });

  it('ignores buffers it did not hand out and double releases, and keeps only the largest few', () => {
    const pool = new BufferPool(2);
    pool.release(Buffer.alloc(4096));
    expect(pool.acquire(10).length).toBe(10);
    const [x, y, z] = [pool.acquire(100), pool.acquire(300), pool.acquire(200)];
    for (const b of [x, y, z, y]) pool.release(b);
    // x (the smallest) was dropped; y and z are reused, each once.
    const got = [pool.acquire(50), pool.acquire(50), pool.acquire(50)];
    expect(got.slice(0, 2).sort((p, q) => p.length - q.length)).toEqual([z, y]);
    expect(got[2]).not.toBe(x);
  });
});
