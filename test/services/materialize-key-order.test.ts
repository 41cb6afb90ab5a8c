import { describe, expect, it } from 'vitest';
import { entityKey } from '../../shared/online/entity-key.js';
import { encodeWrites, newestEncoded } from '../../shared/online/encoded-writes.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import type { OnlineWrite } from '../../shared/online/types.js';

const k = (id: string) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: id });
const at = new Date('2024-01-01T00:00:00Z');

/** Seeded so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('Function: newestEncoded, key order', () => {
  it('returns rows already in key order as they are, without copying', () => {
    const rows = encodeWrites(['a', 'b', 'c'].map((id) => ({ entityKey: k(id), values: {}, eventTs: 1, createdTs: 0 })));
    expect(newestEncoded(rows)).toBe(rows);
  });

  it('sorts a copy of rows out of key order and leaves the input untouched', () => {
    const rows = encodeWrites(['b', 'a', 'c'].map((id) => ({ entityKey: k(id), values: {}, eventTs: 1, createdTs: 0 })));
    const sorted = newestEncoded(rows);
    expect(sorted).not.toBe(rows);
    expect(sorted.entityKeys).toEqual([k('a'), k('b'), k('c')]);
    expect(rows.entityKeys).toEqual([k('b'), k('a'), k('c')]);
  });
});

describe('Class: SqliteOnlineStore, writes in and out of key order', () => {
  it('stores the same newest-wins state whether a batch comes sorted or shuffled (random batches against an oracle)', async () => {
    const next = rng(13);
    for (let trial = 0; trial < 20; trial++) {
      const batches: OnlineWrite[][] = Array.from({ length: 4 }, () =>
        Array.from({ length: 1 + Math.floor(next() * 30) }, () => ({
          entityKey: k(`u${Math.floor(next() * 12)}`),
          values: { x: Math.floor(next() * 1000) },
          eventTs: Math.floor(next() * 5) * 1000,
          createdTs: Math.floor(next() * 3),
        })),
      );
      // Oracle: per key the row with the greatest (eventTs, createdTs); on a tie the later write wins.
      const oracle = new Map<string, OnlineWrite>();
      for (const batch of batches)
        for (const r of batch) {
          const cur = oracle.get(r.entityKey);
          if (!cur || r.eventTs > cur.eventTs || (r.eventTs === cur.eventTs && r.createdTs >= cur.createdTs)) oracle.set(r.entityKey, r);
        }
      const shuffled = new SqliteOnlineStore(':memory:');
      const sorted = new SqliteOnlineStore(':memory:');
      try {
        for (const batch of batches) {
          await shuffled.write('v@v1', batch, at);
          await sorted.write(
            'v@v1',
            [...batch].sort((a, b) => (a.entityKey < b.entityKey ? -1 : a.entityKey > b.entityKey ? 1 : 0)),
            at,
          );
        }
        const keys = [...oracle.keys()].map((entityKey) => ({ entityKey, view: 'v@v1' }));
        const [a, b] = [await shuffled.read(keys), await sorted.read(keys)];
        expect(a).toEqual(b);
        expect(a.map((r) => r?.eventTs)).toEqual([...oracle.values()].map((r) => r.eventTs));
        expect(a.map((r) => r?.createdTs)).toEqual([...oracle.values()].map((r) => r.createdTs));
      } finally {
        await shuffled.close();
        await sorted.close();
      }
    }
  });
});
