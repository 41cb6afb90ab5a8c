import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { checkedColumns, columnMap, columnsToRows, ownColumns, rowsToColumns } from '../../shared/services/rows.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';

const rand = seededRandom(3);
const value = () => [null, randomInt(rand, -1e6, 1e6), rand(), `s${randomInt(rand, 0, 99)}`, rand() < 0.5, [1, 2]][randomInt(rand, 0, 6)];

describe('Module: shared/services/rows — column-oriented data ↔ rows, in one place', () => {
  it('round-trips random tables: columns → rows → columns', () => {
    for (let t = 0; t < 100; t++) {
      const names = Array.from({ length: randomInt(rand, 1, 6) }, (_, i) => `c${i}`);
      const n = randomInt(rand, 0, 20);
      const df = Object.fromEntries(names.map((c) => [c, Array.from({ length: n }, value)]));
      const rows = columnsToRows(df);
      expect(rows).toHaveLength(n);
      expect(checkedColumns(df, 'df').n).toBe(n);
      expect({ ...rowsToColumns(rows, names) }).toEqual(df);
    }
  });

  it('converts only the named columns when asked, reading own columns only', () => {
    expect(columnsToRows({ user_id: ['a', 'b'], extra: [1, 2] }, 'entities', ['user_id'])).toEqual([{ user_id: 'a' }, { user_id: 'b' }]);
    expect(rowsToColumns([{ a: 1 }, {}], ['a', 'toString'])).toEqual(Object.assign(Object.create(null), { a: [1, null], toString: [null, null] }));
  });

  it('keeps a __proto__ column as an own key of an object without prototype', () => {
    const r = ownColumns(JSON.parse('{"a":[1],"__proto__":[2]}'));
    expect('columns' in r && Object.getPrototypeOf(r.columns)).toBe(null);
    expect('columns' in r && Object.keys(r.columns)).toEqual(['a', '__proto__']);
  });

  it.each([
    [{}, 'df', /^no df given: expected at least one column$/],
    [{ a: [1, 2], b: [1] }, 'df', /^df\.b has 1 values, expected 2$/],
    [{ user_id: 'a' }, 'entities', /^entities\.user_id: expected an array/],
    [[['a']], 'df', /^df: expected an object of columns/],
    [null, 'entities', /^entities: expected an object of columns/],
  ])('refuses %j, naming the field and what was expected', (df, field, message) => {
    let err: unknown;
    try {
      checkedColumns(df, field);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(message);
    expect(() => columnsToRows(df, field)).toThrow(message);
  });

  it('columnMap: the request schema checks the shape and names the bad column, leaving lengths to the service', () => {
    expect(columnMap().parse({ a: [1], b: [1, 2] })).toEqual(Object.assign(Object.create(null), { a: [1], b: [1, 2] }));
    const bad = columnMap().safeParse({ a: [1], b: 2 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['b'], message: 'expected an array of values' });
    expect(columnMap().safeParse('x').error?.issues[0].message).toMatch(/expected an object of columns/);
  });
});
