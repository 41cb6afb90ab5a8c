import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { EntityChunkStager, prepareEntityRows, ROW_ID } from '../../shared/offline/entity-rows.js';
import { inferDType } from '../../shared/offline/infer-dtype.js';
import type { ViewRequest } from '../../shared/registry/registry.js';

/** A requested view with the given join keys (only what the entity helpers read). */
const viewWith = (...keys: { name: string; valueType: string }[]) => [{ view: { joinKeys: keys } }] as unknown as ViewRequest[];

describe('inferDType: the dtype of a column nothing declares', () => {
  it.each([
    [[1, 2, null], 'Int64'],
    [[1, 2.5], 'Float64'],
    [[2.5, 1], 'Float64'],
    [[true, undefined, false], 'Bool'],
    [[new Date(0)], 'UnixTimestamp'],
    [['a', 'b'], 'String'],
    [[{ a: 1 }], 'String'],
    [[[1, 2]], 'String'],
    [[1, 'a'], 'String'],
    [[true, 1], 'String'],
    [[], 'String'],
    [[null, undefined], 'String'],
  ] as const)('%j → %s', (values, dtype) => {
    expect(inferDType(values)).toBe(dtype);
  });

  it('bigints are Int64', () => {
    expect(inferDType([1n, 2])).toBe('Int64');
  });
});

describe('Entity columns are typed by our dtypes', () => {
  it('in-memory rows: join keys take the view dtype, event_timestamp is UnixTimestamp, the rest is inferred', () => {
    const { columns } = prepareEntityRows(
      [{ user_id: 7, event_timestamp: '2026-01-01T00:00:00Z', score: 1.5, tags: { a: 1 }, ok: true }],
      viewWith({ name: 'user_id', valueType: 'Int64' }),
    );
    expect(columns).toEqual([
      { name: 'user_id', dtype: 'Int64' },
      { name: 'event_timestamp', dtype: 'UnixTimestamp' },
      { name: 'score', dtype: 'Float64' },
      { name: 'tags', dtype: 'String' },
      { name: 'ok', dtype: 'Bool' },
    ]);
  });

  it('an array join key travels as its JSON text (a String column)', () => {
    const stager = new EntityChunkStager([{ name: 'k' }, { name: 'event_timestamp' }], viewWith({ name: 'k', valueType: 'Array(Int64)' }));
    expect(stager.columns[0]).toEqual({ name: 'k', dtype: 'String' });
    expect(stager.add([{ k: [1, 2], event_timestamp: '2026-01-01T00:00:00Z' }])[0].k).toBe('[1,2]');
  });

  it('chunks: declared file types are kept, undeclared ones are String, values coerced to the column dtype with row ids', () => {
    const stager = new EntityChunkStager(
      [
        { name: 'user_id' },
        { name: 'event_timestamp' },
        { name: 'n', dtype: 'Int64' },
        { name: 'x', dtype: 'Float32' },
        { name: 'b', dtype: 'Bool' },
        { name: 'note' },
      ],
      viewWith({ name: 'user_id', valueType: 'Int32' }),
    );
    expect(stager.columns.map((c) => c.dtype)).toEqual(['Int32', 'UnixTimestamp', 'Int64', 'Float32', 'Bool', 'String']);
    const [row] = stager.add([{ user_id: '5', event_timestamp: '2026-01-01 00:00:00', n: '9007199254740993', x: '1.5', b: 'TRUE', note: 12 }]);
    expect(row).toEqual({ [ROW_ID]: 0, user_id: 5, event_timestamp: new Date('2026-01-01T00:00:00Z'), n: 9007199254740993n, x: 1.5, b: true, note: '12' });
    expect(stager.add([{ user_id: 1, event_timestamp: '2026-01-02T00:00:00Z' }])[0][ROW_ID]).toBe(1);
  });

  it('refuses a value that is not of the column dtype, naming row, field and dtype', () => {
    const stager = new EntityChunkStager(
      [{ name: 'user_id' }, { name: 'event_timestamp' }, { name: 'b', dtype: 'Bool' }],
      viewWith({ name: 'user_id', valueType: 'Int64' }),
    );
    stager.add([{ user_id: 1, event_timestamp: '2026-01-01T00:00:00Z', b: true }]);
    let err: unknown;
    try {
      stager.add([{ user_id: 'abc', event_timestamp: '2026-01-01T00:00:00Z', b: 'maybe' }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toBe(`invalid entity row 1, field 'user_id': expected Int64, got "abc"`);
    expect((err as ValidationError).issues).toEqual([
      { row: 1, field: 'user_id', message: 'expected Int64, got "abc"' },
      { row: 1, field: 'b', message: 'expected Bool, got "maybe"' },
    ]);
  });
});
