import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import { ValidationError } from '../../shared/errors.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

// Push rules a caller relies on: the event timestamp is required, the source's created-timestamp
// column breaks ties of equal event times (whatever the arrival order), and a view declared
// `online: false` is never written online by a push.
const user = new Entity({ name: 'user_id', valueType: Str });
const scored = new PushSource({
  name: 'scores',
  batchSource: new FileSource({ name: 'score_files', path: 'data/scores', timestampField: 'event_timestamp', createdTimestampColumn: 'created' }),
});
const score = new FeatureView({ name: 'score', entities: [user], ttl: { days: 1 }, schema: [new Field({ name: 'points', dtype: Int64 })], source: scored });
const audit = new FeatureView({
  name: 'audit_trail',
  entities: [user],
  ttl: { days: 1 },
  online: false,
  schema: [new Field({ name: 'points', dtype: Int64 })],
  source: scored,
});

const NOW = new Date('2024-06-01T12:00:00Z');
const EVENT = '2024-06-01T11:00:00Z';

describe('Push rules', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: FeatureStore;

  beforeEach(async () => {
    tmp = tempDir();
    store = openTestStore(tmp.dir, { now: NOW });
    await store.apply([user, score, audit]);
  });
  afterEach(async () => (await store.close(), tmp.cleanup()));

  const points = async (id: string) => (await store.getOnlineFeatures({ features: ['score:points'], entities: { user_id: [id] } })).results[1];
  const offlineFiles = () => {
    const dir = join(tmp.dir, 'data/scores');
    return existsSync(dir)
      ? readdirSync(dir, { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.parquet'))
      : [];
  };

  it('refuses a push source and a file source sharing one name (one would silently replace the other)', () => {
    // The FileSource's default name is its path's last segment: 'scores', the PushSource's name.
    const clash = new PushSource({ name: 'scores', batchSource: new FileSource({ path: 'data/scores', timestampField: 'event_timestamp' }) });
    const view = new FeatureView({ name: 'clash', entities: [user], schema: [new Field({ name: 'points', dtype: Int64 })], source: clash });
    expect(() => toRepoSpecs([view])).toThrow(/FileSource 'scores': name: also the name of a different PushSource/);
  });

  it('refuses a row without its event timestamp, naming row and field, and writes nothing anywhere', async () => {
    const rows = [
      { user_id: 'a', event_timestamp: EVENT, created: EVENT, points: 1 },
      { user_id: 'b', created: EVENT, points: 2 },
    ];
    const err = await store.push({ pushSourceName: 'scores', rows, to: 'online_and_offline' }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/row 1, field 'event_timestamp'/);
    expect(err.issues).toContainEqual(expect.objectContaining({ row: 1, field: 'event_timestamp' }));
    expect((await points('a')).statuses).toEqual(['NOT_FOUND']);
    expect(offlineFiles()).toEqual([]);
  });

  it('breaks equal event times by the created-timestamp column, whatever order the pushes arrive in', async () => {
    const push = (id: string, created: string, p: number) =>
      store.push({ pushSourceName: 'scores', rows: [{ user_id: id, event_timestamp: EVENT, created, points: p }] });
    // Later-created first, then the earlier-created one arrives: it must lose.
    await push('a', '2024-06-01T11:30:00Z', 30);
    const late = await push('a', '2024-06-01T11:10:00Z', 10);
    expect(late.online).toContainEqual({ view: 'score@v1', written: 0, skipped: 1 });
    expect((await points('a')).values).toEqual([30]);
    // Earlier-created first, then the later-created one: it wins.
    await push('b', '2024-06-01T11:10:00Z', 10);
    const newer = await push('b', '2024-06-01T11:30:00Z', 30);
    expect(newer.online).toContainEqual({ view: 'score@v1', written: 1, skipped: 0 });
    expect((await points('b')).values).toEqual([30]);
  });

  it('refuses a created timestamp that is not a timestamp, naming the column', async () => {
    const err = await store.push({ pushSourceName: 'scores', rows: [{ user_id: 'a', event_timestamp: EVENT, created: 'soon', points: 1 }] }).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/row 0, field 'created'/);
  });

  it('never writes a view declared online: false to the online store, but keeps it offline', async () => {
    const res = await store.push({
      pushSourceName: 'scores',
      rows: [{ user_id: 'a', event_timestamp: EVENT, created: EVENT, points: 7 }],
      to: 'online_and_offline',
    });
    expect(res.online.map((o) => o.view)).toEqual(['score@v1']);
    const stored = await store.context.online.read([{ view: 'audit_trail@v1', entityKey: JSON.stringify([['user_id', 'a']]) }]);
    expect(stored).toEqual([undefined]);
    expect((await store.context.online.watermarks()).map((w) => w.view)).toEqual(['score@v1']);
    const train = await store.getHistoricalFeatures({
      entity: { rows: [{ user_id: 'a', event_timestamp: '2024-06-01T11:30:00Z' }] },
      features: ['audit_trail:points'],
    });
    expect(train.rows!.map((r) => r.points)).toEqual([7]);
  });
});
