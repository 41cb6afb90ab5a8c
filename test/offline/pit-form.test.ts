import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Entity, FeatureView, Field, FileSource, Int64, String as Str } from '../../shared/definitions/index.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { choosePitForm, WINDOW_FORM_MAX_RATIO } from '../../shared/offline/sql/pit-form.js';
import { quoteString } from '../../shared/offline/sql/quote.js';
import { planApply } from '../../shared/registry/plan.js';
import { Registry } from '../../shared/registry/registry.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { emptyRegistry } from '../../shared/registry/types.js';
import { tempDir } from '../helpers/tmp.js';

describe('Function: choosePitForm', () => {
  it('chooses the window form while the entity rows are few next to every view, ASOF from the threshold on', () => {
    expect(choosePitForm(1_000_000, [10_000_000])).toBe('window');
    expect(choosePitForm(WINDOW_FORM_MAX_RATIO * 1000, [1000])).toBe('window');
    expect(choosePitForm(WINDOW_FORM_MAX_RATIO * 1000 + 1, [1000])).toBe('asof');
    expect(choosePitForm(10_000_000, [10_000_000])).toBe('asof');
    expect(choosePitForm(10_000_000, [10_000_000, 10_000_000, 10_000_000])).toBe('asof');
  });

  it('decides by the smallest view: one small view makes the window form lose on it', () => {
    expect(choosePitForm(100, [10_000, 10_000])).toBe('window');
    expect(choosePitForm(100, [10_000, 200])).toBe('asof');
  });

  it('falls back to ASOF when a count is missing, zero or not a number', () => {
    expect(choosePitForm(0, [1000])).toBe('asof');
    expect(choosePitForm(10, [])).toBe('asof');
    expect(choosePitForm(10, [0])).toBe('asof');
    expect(choosePitForm(Number.NaN, [1000])).toBe('asof');
    expect(choosePitForm(10, [Number.NaN])).toBe('asof');
  });
});

describe('Class: LocalOfflineStore — the PIT form chosen from row counts', () => {
  const tmp = tempDir();
  const FEATURE_ROWS = 2000;
  let registry: Registry;
  beforeAll(async () => {
    mkdirSync(join(tmp.dir, 'data/stats'), { recursive: true });
    const db = await DuckDBSession.create();
    await db.run(`COPY (SELECT 'u' || (i % 50) AS user_id, TIMESTAMP '2024-01-01' + INTERVAL (hash(i) % (30 * 86400)) SECOND AS ts,
        CAST(hash(i, 1) % 1000 AS BIGINT) AS clicks FROM range(${FEATURE_ROWS}) t(i)) TO ${quoteString(join(tmp.dir, 'data/stats/part-0.parquet'))} (FORMAT parquet)`);
    db.close();
    const user = new Entity({ name: 'user_id', valueType: Str });
    const view = new FeatureView({
      name: 'stats',
      entities: [user],
      ttl: { days: 3 },
      schema: [new Field({ name: 'clicks', dtype: Int64 })],
      source: new FileSource({ path: 'data/stats', timestampField: 'ts' }),
    });
    registry = new Registry(planApply(emptyRegistry('p'), toRepoSpecs([user, view])).next);
  });
  afterAll(() => tmp.cleanup());

  const entityRows = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ user_id: `u${(i * 7) % 60}`, event_timestamp: new Date(Date.UTC(2024, 0, 1) + ((i * 7919) % 35) * 86400_000) }));

  async function run(pitStrategy: 'auto' | 'asof' | 'window', rows: Record<string, unknown>[]) {
    const store = new LocalOfflineStore({ repoDir: tmp.dir, pitStrategy });
    try {
      const resolved = registry.resolveRefs(['stats:clicks']);
      return await store.getHistoricalFeatures({ entity: { rows }, views: resolved.views, outputs: resolved.outputs });
    } finally {
      await store.close();
    }
  }

  it('runs the window form for a few entity rows and ASOF for many, with the answer of the forced form (both oracle-tested)', async () => {
    const few = entityRows(Math.floor(FEATURE_ROWS * WINDOW_FORM_MAX_RATIO) - 1);
    const many = entityRows(FEATURE_ROWS);
    const autoFew = await run('auto', few);
    const autoMany = await run('auto', many);
    expect(autoFew.sql).not.toContain('ASOF');
    expect(autoMany.sql).toContain('ASOF');
    expect(autoFew.rows).toEqual((await run('window', few)).rows);
    expect(autoMany.rows).toEqual((await run('asof', many)).rows);
    // The forms agree with each other too, and some rows do find a feature value.
    expect((await run('asof', few)).rows).toEqual(autoFew.rows);
    expect(autoMany.rows!.filter((r) => r.clicks !== null).length).toBeGreaterThan(0);
  });
});

describe('Class: LocalOfflineStore — ties on event time, in both forms', () => {
  const tmp = tempDir();
  const T = Date.UTC(2024, 0, 10);
  let registry: Registry;
  beforeAll(async () => {
    mkdirSync(join(tmp.dir, 'data/ties'), { recursive: true });
    const db = await DuckDBSession.create();
    const ts = (ms: number) => `TIMESTAMP '${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}'`;
    const rows = [
      // u1: a missing created ts sorts lowest.
      ['u1', T, null, 1, 'a'],
      ['u1', T, T - 5000, 2, 'b'],
      // u2: an exact tie on (event, created): either row, but one whole row.
      ['u2', T, T - 5000, 3, 'c'],
      ['u2', T, T - 5000, 4, 'd'],
      // u3: a later event beats a later created ts.
      ['u3', T, null, 5, 'e'],
      ['u3', T - 3600_000, T + 9000, 6, 'f'],
    ] as const;
    const values = rows.map(([k, e, c, n, l]) => `('${k}', ${ts(e)}, ${c === null ? 'NULL::TIMESTAMP' : ts(c)}, ${n}, '${l}')`).join(', ');
    await db.run(
      `COPY (SELECT * FROM (VALUES ${values}) t(user_id, ts, created, clicks, label)) TO ${quoteString(join(tmp.dir, 'data/ties/part-0.parquet'))} (FORMAT parquet)`,
    );
    db.close();
    const user = new Entity({ name: 'user_id', valueType: Str });
    const view = new FeatureView({
      name: 'ties',
      entities: [user],
      ttl: { days: 1 },
      schema: [new Field({ name: 'clicks', dtype: Int64 }), new Field({ name: 'label', dtype: Str })],
      source: new FileSource({ path: 'data/ties', timestampField: 'ts', createdTimestampColumn: 'created' }),
    });
    registry = new Registry(planApply(emptyRegistry('p'), toRepoSpecs([user, view])).next);
  });
  afterAll(() => tmp.cleanup());

  for (const form of ['asof', 'window'] as const) {
    it(`breaks ties by created ts, a missing one lowest, and never mixes two rows (${form})`, async () => {
      const store = new LocalOfflineStore({ repoDir: tmp.dir, pitStrategy: form });
      const resolved = registry.resolveRefs(['ties:clicks', 'ties:label']);
      const at = (user_id: string, ms: number) => ({ user_id, event_timestamp: new Date(ms) });
      const result = await store.getHistoricalFeatures({
        entity: { rows: [at('u1', T), at('u2', T), at('u3', T), at('u3', T - 1000), at('u1', T - 1)] },
        views: resolved.views,
        outputs: resolved.outputs,
      });
      await store.close();
      const got = result.rows!.map((r) => [r.clicks, r.label]);
      expect(got[0]).toEqual([2, 'b']);
      expect([JSON.stringify([3, 'c']), JSON.stringify([4, 'd'])]).toContain(JSON.stringify(got[1]));
      expect(got[2]).toEqual([5, 'e']);
      expect(got[3]).toEqual([6, 'f']);
      expect(got[4]).toEqual([null, null]);
    });
  }
});
