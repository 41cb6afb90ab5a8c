import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

describe('CLI: get-historical-features on provider local validates its input and writes safely', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());
  const repo = join(tmp.dir, 'repo');
  const run = (...args: string[]) => cli(['--repo', repo, ...args]);
  const csv = (name: string, body: string) => (writeFileSync(join(tmp.dir, name), body), join(tmp.dir, name));

  it('names the row and field of a bad timestamp, with exit 1, in text and with --json', () => {
    expect(cli(['init', repo, '--end', '2024-06-01T00:00:00Z']).code).toBe(0);
    expect(run('apply').code).toBe(0);
    const entities = csv('bad-ts.csv', 'driver_id,event_timestamp\n1001,2024-05-31T12:30:00Z\n1002,yesterday\n');
    const r = run('get-historical-features', '--entities', entities, '-s', 'driver_activity');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: invalid event_timestamp in row 1');
    expect(r.stderr).toContain(`row 1, field 'event_timestamp': expected a timestamp, got "yesterday"`);
    expect(r.stderr).not.toMatch(/Conversion Error|LINE 1/);
    const j = run('--json', 'get-historical-features', '--entities', entities, '-s', 'driver_activity');
    expect(JSON.parse(j.stderr).error).toMatchObject({ code: 'VALIDATION_ERROR', details: { issues: [{ row: 1, field: 'event_timestamp' }] } });
  });

  it('names a missing file and an unsupported or corrupt format, with exit 1 and JSON errors', () => {
    const missing = run('--json', 'get-historical-features', '--entities', join(tmp.dir, 'nope.parquet'), '-s', 'driver_activity');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.message).toMatch(/--entities .*nope\.parquet: no such file/);
    const fake = csv('fake.parquet', 'driver_id,event_timestamp\n');
    const corrupt = run('get-historical-features', '--entities', fake, '-s', 'driver_activity');
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toContain('not a Parquet file');
    const txt = run('get-historical-features', '--entities', csv('rows.txt', 'x'), '-s', 'driver_activity');
    expect(txt.code).toBe(1);
    expect(txt.stderr).toContain('unsupported format: expected a .parquet, .csv or .json file');
  });

  it('leaves an existing output untouched and no stray file when a run fails', () => {
    const out = join(tmp.dir, 'train.csv');
    writeFileSync(out, 'previous');
    const r = run('get-historical-features', '--entities', join(tmp.dir, 'bad-ts.csv'), '-s', 'driver_activity', '-o', out);
    expect(r.code).toBe(1);
    expect(readFileSync(out, 'utf8')).toBe('previous');
    const fresh = join(tmp.dir, 'fresh.parquet');
    expect(run('get-historical-features', '--entities', join(tmp.dir, 'bad-ts.csv'), '-s', 'driver_activity', '-o', fresh).code).toBe(1);
    expect(existsSync(fresh)).toBe(false);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('writes event_timestamp with its zone: RFC 3339 with Z in CSV and JSON, TIMESTAMP WITH TIME ZONE in Parquet', async () => {
    const entities = csv('ok.csv', 'driver_id,event_timestamp\n1001,2024-05-31T12:30:00Z\n');
    const out = join(tmp.dir, 'train-ok.csv');
    expect(run('get-historical-features', '--entities', entities, '-s', 'driver_activity', '-o', out).code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[1]).toMatch(/^1001,2024-05-31T12:30:00\.000Z,/);
    const json = join(tmp.dir, 'train-ok.json');
    expect(run('get-historical-features', '--entities', entities, '-s', 'driver_activity', '-o', json).code).toBe(0);
    expect(JSON.parse(readFileSync(json, 'utf8').split('\n')[0]).event_timestamp).toBe('2024-05-31T12:30:00.000Z');
    const pq = join(tmp.dir, 'train-ok.parquet');
    expect(run('get-historical-features', '--entities', entities, '-s', 'driver_activity', '-o', pq).code).toBe(0);
    const db = await DuckDBSession.create();
    try {
      const [col] = await db.all(`SELECT column_type FROM (DESCRIBE SELECT event_timestamp FROM read_parquet('${pq}'))`);
      expect(col.column_type).toBe('TIMESTAMP WITH TIME ZONE');
    } finally {
      db.close();
    }
  });

  it('takes the timestamp from --timestamp-column, and says when the terminal output is truncated', () => {
    const entities = csv('ts-col.csv', 'driver_id,ts\n1001,2024-05-31T12:30:00Z\n1002,2024-05-31T12:30:00Z\n1003,2024-05-31T12:30:00Z\n');
    const r = run('get-historical-features', '--entities', entities, '-s', 'driver_activity', '--timestamp-column', 'ts', '--limit', '2');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(showing 2 of 3 rows: --limit N shows more, -o FILE writes them all)');
  });
});
