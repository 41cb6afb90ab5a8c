import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBOnlineStore } from '../../shared/online/dynamodb-online-store.js';
import { entityKey } from '../../shared/online/entity-key.js';
import type { OnlineStore } from '../../shared/online/online-store.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { awsForTests, uniqueName } from '../helpers/aws.js';

// The newer-wins contract (docs: online writes), identical on every online store: a row replaces
// the stored one iff its (event_ts, created_ts) is >= the stored pair; the watermark is the newest
// event time actually applied and never moves back. One write per call, so each case exercises
// the store's own condition (SQL WHERE / DynamoDB ConditionExpression), not the in-batch dedupe.
const k = (id: string) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: id });
const at = (ms: number) => new Date(ms);

const stores: [string, () => Promise<OnlineStore>][] = [
  ['SqliteOnlineStore', async () => new SqliteOnlineStore(':memory:')],
  [
    'DynamoDBOnlineStore (put mode)',
    async () => {
      const aws = awsForTests();
      const table = uniqueName('newer-wins');
      await DynamoDBOnlineStore.ensureTable(aws.dynamodb, table);
      return new DynamoDBOnlineStore({ client: aws.dynamodb, table });
    },
  ],
];

describe.each(stores)('newer-wins contract: %s', (_, open) => {
  let store: OnlineStore;
  beforeAll(async () => (store = await open()));
  afterAll(() => store.close());

  const put = (id: string, x: number, eventTs: number, createdTs: number, writtenAt = 1) =>
    store.write('v@v1', [{ entityKey: k(id), values: { x }, eventTs, createdTs }], at(writtenAt));
  const value = async (id: string) => (await store.read([{ entityKey: k(id), view: 'v@v1' }]))[0]?.values.x;

  it.each([
    // [case, first (event, created), second (event, created), written by second?, stored x]
    ['an older event after a newer one is skipped', [2000, 0], [1000, 9], false, 1],
    ['a newer event wins even with an older created time', [1000, 9], [2000, 0], true, 2],
    ['an equal event with an older created time is skipped', [1000, 5], [1000, 4], false, 1],
    ['an equal event with a newer created time wins', [1000, 5], [1000, 6], true, 2],
    ['a full tie (equal event and created) is applied: the last write wins', [1000, 5], [1000, 5], true, 2],
  ] as const)('%s', async (name, first, second, wins, expected) => {
    const id = name.replaceAll(' ', '_');
    expect(await put(id, 1, first[0], first[1])).toEqual({ written: 1, skipped: 0 });
    expect(await put(id, 2, second[0], second[1])).toEqual(wins ? { written: 1, skipped: 0 } : { written: 0, skipped: 1 });
    expect(await value(id)).toBe(expected);
  });

  it('moves the watermark to the newest applied event, never back, and not for skipped rows', async () => {
    const mark = async () => (await store.watermarks()).find((w) => w.view === 'wm@v1');
    const w = (id: string, eventTs: number, writtenAt: number) =>
      store.write('wm@v1', [{ entityKey: k(id), values: {}, eventTs, createdTs: 0 }], at(writtenAt));
    expect(await mark()).toBeUndefined();
    await w('a', 5000, 10);
    expect(await mark()).toMatchObject({ eventTs: 5000 });
    await w('b', 3000, 20);
    expect(await mark()).toMatchObject({ eventTs: 5000 });
    await w('c', 7000, 30);
    expect(await mark()).toMatchObject({ eventTs: 7000, writtenAt: 30 });
  });
});
