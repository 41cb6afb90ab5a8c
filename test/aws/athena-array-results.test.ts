import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { athenaSyntaxErrors } from '../../examples/aws-local/athena-grammar.js';
import type { DType } from '../../shared/definitions/dtypes.js';
import { InternalError } from '../../shared/errors.js';
import { AthenaRunner } from '../../shared/offline/athena/athena-runner.js';
import { textResultSelect } from '../../shared/offline/sql/text-result.js';
import { awsForTests } from '../helpers/aws.js';

/**
 * Arrays on Athena's text result path (GetQueryResults). Athena names an array column `array`,
 * without its element type, and renders it as `[a, b]` with strings unquoted (PyAthena, go-athena:
 * "Athena does not send more details about item types"); the double does the same, so a client
 * that splits that text on ", " is caught.
 */
describe('Athena text results: arrays arrive as arrays of their dtype', () => {
  const aws = awsForTests();
  const athena = new AthenaDouble(aws.s3, aws.glue, { outputLocation: 's3://athena-results/' });
  let runner: AthenaRunner;
  beforeAll(async () => {
    const endpoint = await athena.start();
    runner = new AthenaRunner({ client: new AthenaClient({ region: 'us-east-1', endpoint }), workgroup: 'primary', database: 'default' });
  });
  afterAll(() => athena.stop());

  const run = async (sql: string, dtypes?: Record<string, DType>) => {
    expect(athenaSyntaxErrors(sql)).toEqual([]);
    const { queryId } = await runner.run(sql);
    return runner.rows(queryId, dtypes && new Map(Object.entries(dtypes)));
  };

  it('the double answers as Athena does: type `array`, values rendered [a, b] with strings unquoted', async () => {
    const { columns, rows } = await run(`SELECT ARRAY['a, b', 'c'] AS s, ARRAY[1, 2] AS n, ARRAY[TIMESTAMP '2024-01-01 00:00:00.500'] AS t`);
    expect(columns.map((c) => c.Type)).toEqual(['array', 'array', 'array']);
    // Without a dtype an array stays Athena's text: two strings that read like three.
    expect(rows).toEqual([{ s: '[a, b, c]', n: '[1, 2]', t: '[2024-01-01 00:00:00.500]' }]);
  });

  it('reads arrays selected as JSON by their dtype: strings holding ", " and brackets, integers, floats, booleans, nulls, empty', async () => {
    const sql = textResultSelect(
      `SELECT * FROM (VALUES (2, ARRAY['a, b', '[c]', 'd"e'], ARRAY[CAST(1 AS BIGINT), 20], ARRAY[1.5E0], ARRAY[true, false]), (1, ARRAY[], ARRAY[CAST(NULL AS BIGINT)], ARRAY[CAST(2 AS DOUBLE)], NULL)) AS v(o, s, n, f, b)`,
      [
        { name: 's', dtype: 'Array(String)' },
        { name: 'n', dtype: 'Array(Int64)' },
        { name: 'f', dtype: 'Array(Float64)' },
        { name: 'b', dtype: 'Array(Bool)' },
      ],
      'o',
    );
    const { columns, rows } = await run(sql, { s: 'Array(String)', n: 'Array(Int64)', f: 'Array(Float64)', b: 'Array(Bool)' });
    expect(columns.map((c) => c.Type)).toEqual(['varchar', 'varchar', 'varchar', 'varchar']);
    // Ordered by `o`, which is not returned.
    expect(rows).toEqual([
      { s: [], n: [null], f: [2], b: null },
      { s: ['a, b', '[c]', 'd"e'], n: [1, 20], f: [1.5], b: [true, false] },
    ]);
  });

  it('reads Athena\'s own rendering where elements cannot hold ", " (instants), and refuses it for strings', async () => {
    const { rows } = await run(`SELECT ARRAY[TIMESTAMP '2024-01-01 00:00:00.500', TIMESTAMP '2024-01-02 03:04:05'] AS t, ARRAY[] AS e`, {
      t: 'Array(UnixTimestamp)',
      e: 'Array(UnixTimestamp)',
    });
    expect(rows).toEqual([{ t: [new Date('2024-01-01T00:00:00.500Z'), new Date('2024-01-02T03:04:05Z')], e: [] }]);
    const err = await run(`SELECT ARRAY['a, b'] AS s`, { s: 'Array(String)' }).catch((e) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect(err.message).toMatch(/Array\(String\) result must be selected as JSON/);
  });
});
