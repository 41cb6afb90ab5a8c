/**
 * The AWS online store against moto_server, next to bare SDK calls on the same table:
 * materialization items/s vs a bare BatchWriteItem loop, and lookup latency (1 and 100 entities)
 * vs bare BatchGetItem calls. moto is an emulator: the ratios say what skewless adds, not AWS speed.
 */
import { BatchGetItemCommand, BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients } from '../shared/aws/clients.js';
import { entityKey } from '../shared/online/entity-key.js';
import { DynamoDBOnlineStore } from '../shared/online/dynamodb-online-store.js';
import { motoEnv, startMoto } from '../examples/aws-local/moto.js';
import { report, time } from './lib/report.js';

const ITEMS = Number(process.env.BENCH_AWS_ITEMS ?? 5000);
const LOOKUPS = Number(process.env.BENCH_AWS_LOOKUPS ?? 200);
const key = (i: number) => entityKey([{ name: 'user_id', valueType: 'String' }], { user_id: `u${i}` });
const values = (i: number) => Object.fromEntries(Array.from({ length: 10 }, (_, f) => [`f${f}`, i * 10 + f + 0.5]));

function percentiles(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)], p99: s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] };
}

async function concurrently(n: number, limit: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

export async function benchAws(): Promise<void> {
  const moto = await startMoto();
  Object.assign(process.env, motoEnv(moto.url));
  try {
    const { dynamodb } = createAwsClients('us-east-1');
    await DynamoDBOnlineStore.ensureTable(dynamodb, 'bench');
    await DynamoDBOnlineStore.ensureTable(dynamodb, 'bare');
    const store = new DynamoDBOnlineStore({ client: dynamodb, table: 'bench', writeConcurrency: 16 });
    const rows = Array.from({ length: ITEMS }, (_, i) => ({ entityKey: key(i), values: values(i), eventTs: 1_700_000_000_000 + i, createdTs: 0 }));
    const ours = await time(() => store.write('bench@v1', rows, new Date(), { ttlSeconds: 86400 }));
    const { marshall } = await import('@aws-sdk/util-dynamodb');
    const bare = await time(() =>
      concurrently(Math.ceil(ITEMS / 25), 16, async (c) => {
        let items = rows.slice(c * 25, c * 25 + 25).map((r) => ({
          PutRequest: { Item: { pk: { S: r.entityKey }, sk: { S: 'bench@v1' }, features: { M: marshall(r.values) }, event_ts: { N: String(r.eventTs) } } },
        }));
        while (items.length) {
          const res = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: { bare: items } }));
          items = (res.UnprocessedItems?.bare as typeof items | undefined) ?? [];
        }
      }),
    );
    const lat = async (fn: () => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < LOOKUPS; i++) {
        const t0 = performance.now();
        await fn();
        ms.push(performance.now() - t0);
      }
      return percentiles(ms);
    };
    const lookups: Record<string, unknown>[] = [];
    for (const n of [1, 100]) {
      const keys = Array.from({ length: n }, (_, i) => ({ entityKey: key((i * 37) % ITEMS), view: 'bench@v1' }));
      const ourLat = await lat(() => store.read(keys));
      const bareLat = await lat(() =>
        dynamodb.send(new BatchGetItemCommand({ RequestItems: { bare: { Keys: keys.map((k) => ({ pk: { S: k.entityKey }, sk: { S: 'bench@v1' } })) } } })),
      );
      lookups.push({
        case: `lookup ${n} entities`,
        p50_ms: ourLat.p50,
        p99_ms: ourLat.p99,
        bare_p50_ms: bareLat.p50,
        bare_p99_ms: bareLat.p99,
        p50_speed: bareLat.p50 / ourLat.p50,
        p99_speed: bareLat.p99 / ourLat.p99,
      });
    }
    report(
      'aws-online-store',
      `DynamoDB online store on moto_server (an emulator: ratios show what skewless adds, not AWS speed), ${ITEMS} items × 10 features, ${LOOKUPS} lookups per case; baseline: bare BatchWriteItem / BatchGetItem SDK calls`,
      ['case', 'items_per_s', 'bare_items_per_s', 'speed', 'p50_ms', 'p99_ms', 'bare_p50_ms', 'bare_p99_ms', 'p50_speed', 'p99_speed'],
      [
        {
          case: `materialize ${ITEMS} items (conditional PutItem ×16 vs BatchWriteItem ×16)`,
          items_per_s: Math.round(ITEMS / ours.seconds),
          bare_items_per_s: Math.round(ITEMS / bare.seconds),
          speed: ITEMS / ours.seconds / (ITEMS / bare.seconds),
        },
        ...lookups,
      ],
      { setup: { emulator: 'moto_server', items: ITEMS, lookupsPerCase: LOOKUPS, features: 10 } },
    );
  } finally {
    moto.stop();
  }
}
