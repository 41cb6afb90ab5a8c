import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { LOCAL_LAYOUT } from '../../shared/layout/local-layout.js';
import { tempDir } from '../helpers/tmp.js';
import { mkdirSync, writeFileSync } from 'node:fs';

const user = new Entity({ name: 'user_id', valueType: Str });
const usage = (version?: number) =>
  new FeatureView({
    name: 'usage',
    ...(version ? { version } : {}),
    entities: [user],
    source: new PushSource({ name: 'usage_events', batchSource: new FileSource({ name: 'usage_files', path: 'data/usage', timestampField: 'ts' }) }),
    eventSchema: [new Field({ name: 'tokens', dtype: Int64 })],
    aggregations: [{ column: 'tokens', function: 'sum', window: '1d' }],
  });

describe('deleting an aggregation view version', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
    mkdirSync(join(tmp.dir, 'data/usage'), { recursive: true });
    writeFileSync(join(tmp.dir, 'skewless.json'), JSON.stringify({ project: 'del', registryCacheSeconds: 0 }));
  });
  afterEach(() => tmp.cleanup());

  it('removes its tiles and stored events, and leaves the other version’s', async () => {
    const store = await FeatureStore.open(tmp.dir, { now: () => new Date('2024-03-20T12:00:00Z') });
    await store.apply([user, usage(1), usage(2)]);
    const rows = Array.from({ length: 20 }, (_, i) => ({ user_id: `u${i % 3}`, ts: `2024-03-20T0${i % 10}:00:00Z`, tokens: i }));
    await store.push({ pushSourceName: 'usage_events', rows, to: 'online' });
    await store.deprecate('usage@v1');
    await store.deleteVersion('usage@v1');
    await store.close();
    const db = new Database(join(tmp.dir, '.skewless', LOCAL_LAYOUT.onlineFile), { readonly: true });
    const count = (table: string, view: string) => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE view = ?`).get(view) as { n: number }).n;
    try {
      expect([count('tile_events', 'usage@v1'), count('tile_sets', 'usage@v1')]).toEqual([0, 0]);
      expect(count('tile_events', 'usage@v2')).toBeGreaterThan(0);
      expect(count('tile_sets', 'usage@v2')).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});
