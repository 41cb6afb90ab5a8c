import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { Entity, FeatureView, Field, FileSource } from '../../shared/definitions/index.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { quoteIdentifier, quoteString } from '../../shared/offline/sql/quote.js';
import { createStores } from '../../shared/providers/index.js';
import { uniqueName } from '../helpers/aws.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

const HOSTILE = ["'; DROP TABLE x; --", 'Robert"); DROP TABLE students;--', 'back\\slash\\', "it''s", 'ユーザー😀', '\n\t\r', 'x'.repeat(1024 * 1024)];

describe('SQL injection safety', () => {
  it('quotes identifiers and strings by doubling, and refuses NUL', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteString("it's")).toBe("'it''s'");
    expect(quoteString('back\\slash')).toBe("'back\\slash'");
    expect(() => quoteIdentifier('a\0b')).toThrow(/unsafe/);
    expect(() => quoteString('a\0b')).toThrow(/unsafe/);
    expect(() => quoteIdentifier('')).toThrow(/unsafe/);
  });

  it('refuses hostile names before they reach SQL: definitions, references, push columns', async () => {
    expect(() => new Entity({ name: 'x"; DROP TABLE y; --' })).toThrow(/Entity .*: name/);
    expect(
      () =>
        new FeatureView({
          name: "v'",
          entities: [new Entity({ name: 'e' })],
          schema: [new Field({ name: 'a', dtype: 'Int64' })],
          source: new FileSource({ path: 'p', timestampField: 'ts' }),
        }),
    ).toThrow(/FeatureView/);
    const tmp = tempDir();
    const store = openTestStore(tmp.dir, { now: new Date('2024-03-10T00:00:00Z') });
    await store.apply(testDefinitions().all);
    await expect(store.getOnlineFeatures({ features: ['activity:sessions"; DROP TABLE x; --'], entities: { user_id: ['a'] } })).rejects.toThrow(
      /invalid feature reference/,
    );
    await expect(
      store.push({ pushSourceName: 'realtime_events', rows: [{ user_id: 'a', event_timestamp: '2024-03-09T00:00:00Z', 'messages"; DROP': 1 }] }),
    ).rejects.toThrow(/unknown column/);
    await expect(store.push({ pushSourceName: "realtime_events'; --", rows: [] })).rejects.toThrow(/not found/);
    await store.close();
    tmp.cleanup();
  });

  describe.each(['local', 'aws'] as const)('hostile entity values and column names on provider %s', (provider) => {
    const tmp = tempDir();
    const clock = { now: new Date('2024-03-10T12:00:00Z') };
    let store: FeatureStore;
    let athena: AthenaDouble | undefined;

    beforeAll(async () => {
      if (provider === 'local') store = openTestStore(tmp.dir, clock);
      else {
        const clients = createAwsClients('us-east-1');
        athena = new AthenaDouble(clients.s3, clients.glue);
        process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
        const names = { bucket: uniqueName('inject'), table: uniqueName('t'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
        await ensureAwsResources(clients, names);
        const config = parseConfig(
          { project: 'inject', provider: 'aws', registryCacheSeconds: 0, aws: { bucket: names.bucket, table: names.table, glueDatabase: names.glueDatabase } },
          join(tmp.dir, 'aws'),
          {},
        );
        store = new FeatureStore(config, await createStores(config), { now: () => clock.now });
      }
      await store.apply(testDefinitions().all);
      if (provider === 'aws') {
        // DynamoDB keys are at most 2048 bytes: the 1 MB key is refused whole, before any write.
        const err = await store
          .push({
            pushSourceName: 'realtime_events',
            rows: HOSTILE.map((id) => ({ user_id: id, event_timestamp: '2024-03-10T11:00:00Z', messages: 1, minutes_ago: null })),
            to: 'online_and_offline',
          })
          .catch((e) => e);
        expect(err.message).toMatch(/row 6: entity key is \d+ bytes; the online store accepts at most 2048/);
        expect((await store.getOnlineFeatures({ features: ['realtime:messages'], entities: { user_id: [HOSTILE[0]] } })).results[1].statuses).toEqual([
          'NOT_FOUND',
        ]);
      }
      const rows = HOSTILE.map((id, i) => ({
        user_id: id,
        event_timestamp: new Date(Date.UTC(2024, 2, 10, 11, 0, i)).toISOString(),
        messages: i,
        minutes_ago: null,
      }));
      // The 1 MB key goes offline everywhere, and online where the store allows it.
      await store.push({ pushSourceName: 'realtime_events', rows, to: provider === 'aws' ? 'offline' : 'online_and_offline' });
      if (provider === 'aws') await store.push({ pushSourceName: 'realtime_events', rows: rows.slice(0, -1), to: 'online' });
    }, 120_000);
    afterAll(async () => {
      await athena?.stop();
      delete process.env.AWS_ENDPOINT_URL_ATHENA;
      await store.close();
      tmp.cleanup();
    });

    it('serves hostile keys online as plain data', async () => {
      const keys = provider === 'aws' ? HOSTILE.slice(0, -1) : HOSTILE;
      const out = await store.getOnlineFeatures({ features: ['realtime:messages'], entities: { user_id: [...keys, 'absent'] } });
      expect(out.results[0].values).toEqual([...keys, 'absent']);
      expect(out.results[1].values).toEqual([...keys.map((_, i) => i), null]);
    });

    it('joins hostile keys offline and passes hostile column names through unchanged', async () => {
      const weird = 'col"; DROP TABLE x; --';
      const rows = HOSTILE.map((id, i) => ({ user_id: id, event_timestamp: new Date('2024-03-10T11:30:00Z'), [weird]: `v${i}` }));
      const res = await store.getHistoricalFeatures({ entity: { rows }, features: ['realtime:messages'] });
      expect(res.columns).toEqual(['user_id', 'event_timestamp', weird, 'messages']);
      expect(res.rows!.map((r) => r.user_id)).toEqual(HOSTILE);
      expect(res.rows!.map((r) => r[weird])).toEqual(HOSTILE.map((_, i) => `v${i}`));
      expect(res.rows!.map((r) => r.messages)).toEqual(HOSTILE.map((_, i) => i));
      // Values never appear in the SQL text (they were staged as data); a hostile column name only quoted.
      expect(res.sql).not.toContain('students');
      expect(res.sql).toContain('"col""; DROP TABLE x; --"');
    }, 120_000);
  });
});
