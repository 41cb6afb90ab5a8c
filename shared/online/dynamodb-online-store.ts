import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  CreateTableCommand,
  PutItemCommand,
  QueryCommand,
  ResourceInUseException,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { deleteWhere } from './dynamodb-delete.js';
import { OnlineStoreUnavailableError, OnlineWriteIncompleteError } from '../errors.js';
import { projectionFor } from './dynamodb-projection.js';
import { BaseOnlineStore } from './online-store.js';
import type { ItemKey, OnlineRecord, OnlineWrite, ReadOptions, Watermark, WriteOptions, WriteResult } from './types.js';

const WATERMARK_PK = '__watermark__';
const MAX_RETRIES = 8;

const sleep = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(2000, 25 * 2 ** attempt)));

export interface DynamoDBOnlineStoreOptions {
  client: DynamoDBClient;
  table: string;
  /** Conditional puts in flight at once (default 16). */
  writeConcurrency?: number;
  /**
   * `put` (default): one conditional PutItem per row, `writeConcurrency` in flight. `transact`:
   * batches of conditional puts per TransactWriteItems call — fewer round trips for twice the
   * write units; measure it on real DynamoDB first (moto copies the table per transaction, so it
   * is slow there and cannot tell).
   */
  writeMode?: 'transact' | 'put';
  /** Puts per TransactWriteItems call: AWS allows 100; 25 (the default) also suits emulators. */
  transactSize?: number;
}

/**
 * Runs `fn` over items with at most `limit` in flight. The first failure stops the workers: no new
 * item is started, the ones in flight finish, then the first error is thrown (issue 11 item 8 — a
 * failed push used to keep writing after its error).
 */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.err;
}

/**
 * Online store in one DynamoDB table (docs/architecture.md#storage-layouts): pk = canonical entity key, sk = `view@vN`,
 * features as native attribute types, event / created timestamps in epoch ms, `expires_at`
 * (epoch seconds) for DynamoDB TTL. Writes are conditional puts (newer wins); reads are
 * BatchGetItem calls of up to 100 keys, in parallel, with UnprocessedKeys retried.
 */
export class DynamoDBOnlineStore extends BaseOnlineStore {
  protected readonly maxReadBatch = 100;
  protected override readonly maxEntityKeyBytes = 2048;
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly concurrency: number;
  private readonly mode: 'transact' | 'put';
  private readonly transactSize: number;

  constructor(o: DynamoDBOnlineStoreOptions) {
    super();
    this.client = o.client;
    this.table = o.table;
    this.concurrency = o.writeConcurrency ?? 16;
    this.mode = o.writeMode ?? 'put';
    this.transactSize = Math.min(100, Math.max(1, o.transactSize ?? 25));
  }

  /** Creates the table (on-demand, TTL on `expires_at`) if it does not exist; for tests and local emulators — the CDK app owns it in AWS. */
  static async ensureTable(client: DynamoDBClient, table: string): Promise<void> {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
        }),
      );
      // dynalite (a second emulator the tests run against) has no TTL API; expiry is never tested through it.
      await client
        .send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true } }))
        .catch((err: { name?: string }) => {
          if (err.name !== 'UnknownOperationException') throw err;
        });
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }

  private conditionalPut(view: string, r: OnlineWrite, ttl: number) {
    return {
      TableName: this.table,
      Item: {
        pk: { S: r.entityKey },
        sk: { S: view },
        features: { M: marshall(plain(r.values), { removeUndefinedValues: true }) },
        event_ts: { N: String(r.eventTs) },
        created_ts: { N: String(r.createdTs) },
        ...(ttl > 0 ? { expires_at: { N: String(Math.ceil(r.eventTs / 1000) + ttl) } } : {}),
      },
      // Newer-wins (docs/semantics.md#online-writes-newer-wins): equal event time → the later or equal created time wins.
      ConditionExpression: /* @mutate */ 'attribute_not_exists(pk) OR event_ts < :e OR (event_ts = :e AND created_ts <= :c)',
      ExpressionAttributeValues: { ':e': { N: String(r.eventTs) }, ':c': { N: String(r.createdTs) } },
    };
  }

  protected async _putItems(view: string, rows: readonly OnlineWrite[], writtenAt: number, options: WriteOptions): Promise<WriteResult> {
    const ttl = options.ttlSeconds ?? 0;
    const applied: OnlineWrite[] = [];
    let older = 0;
    try {
      if (this.mode === 'put' || rows.length < 4) {
        await pool(rows, this.concurrency, async (r) => {
          try {
            await this.client.send(new PutItemCommand(this.conditionalPut(view, r, ttl)));
            applied.push(r);
          } catch (err) {
            if (!(err instanceof ConditionalCheckFailedException)) throw err;
            older++;
          }
        });
      } else {
        const chunks: OnlineWrite[][] = [];
        for (let i = 0; i < rows.length; i += this.transactSize) chunks.push(rows.slice(i, i + this.transactSize));
        await pool(chunks, this.concurrency, async (chunk) => {
          const done = await this.transactChunk(view, chunk, ttl);
          applied.push(...done);
          older += chunk.length - done.length;
        });
      }
    } catch (err) {
      // Stopped part-way: say what is settled (applied, or dropped as older) and what is not. The
      // watermark is not advanced by an incomplete write.
      throw new OnlineWriteIncompleteError(view, applied.length + older, rows.length - applied.length - older, err);
    }
    if (applied.length > 0 && options.advanceWatermark !== false) await this.advanceWatermark(view, Math.max(...applied.map((r) => r.eventTs)), writtenAt);
    return { written: applied.length, skipped: rows.length - applied.length };
  }

  /**
   * Up to `transactSize` conditional puts in one TransactWriteItems call. If some conditions fail the whole
   * call is cancelled; the cancellation reasons say which rows are older than what is stored, and
   * the rest are written again without them.
   */
  private async transactChunk(view: string, chunk: OnlineWrite[], ttl: number): Promise<OnlineWrite[]> {
    let pending = chunk;
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > MAX_RETRIES) throw new OnlineStoreUnavailableError(`${pending.length} conditional writes still conflicting after ${MAX_RETRIES} retries`);
      try {
        await this.client.send(new TransactWriteItemsCommand({ TransactItems: pending.map((r) => ({ Put: this.conditionalPut(view, r, ttl) })) }));
        return pending;
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const reasons = err.CancellationReasons ?? [];
        const older = new Set(reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : [])));
        if (!older.size) await sleep(attempt + 1); // conflict or throttling: back off, retry all
        pending = pending.filter((_, i) => !older.has(i));
      }
    }
    return pending;
  }

  recordWatermark(view: string, eventTs: number, writtenAt: Date): Promise<void> {
    return this.advanceWatermark(view, eventTs, writtenAt.getTime());
  }

  /** The watermark item only moves forward (max-condition); the last-write time always updates. */
  private async advanceWatermark(view: string, eventTs: number, writtenAt: number): Promise<void> {
    const key = { pk: { S: WATERMARK_PK }, sk: { S: view } };
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET event_ts = :e, written_at = :w',
          ConditionExpression: /* @mutate */ 'attribute_not_exists(event_ts) OR event_ts < :e',
          ExpressionAttributeValues: { ':e': { N: String(eventTs) }, ':w': { N: String(writtenAt) } },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET written_at = :w',
          ExpressionAttributeValues: { ':w': { N: String(writtenAt) } },
        }),
      );
    }
  }

  /**
   * One BatchGetItem call of ≤ 100 keys (the base class runs the chunks in parallel), projected to the
   * requested features of the chunk's views. UnprocessedKeys (throttled partitions, or a response past
   * DynamoDB's 16 MB) are asked again with jittered exponential backoff, up to MAX_RETRIES rounds.
   */
  protected async _getItems(keys: readonly ItemKey[], options: ReadOptions = {}): Promise<Map<string, OnlineRecord>> {
    const out = new Map<string, OnlineRecord>();
    const projection = projectionFor(new Set(keys.map((k) => k.view)), options);
    let pending: Record<string, AttributeValue>[] = keys.map((k) => ({ pk: { S: k.entityKey }, sk: { S: k.view } }));
    for (let attempt = 0; pending.length; attempt++) {
      if (attempt > MAX_RETRIES) throw new OnlineStoreUnavailableError(`${pending.length} keys still unprocessed after ${MAX_RETRIES} retries`);
      if (attempt > 0) await sleep(attempt);
      const r = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: false, ...projection } } }));
      for (const item of r.Responses?.[this.table] ?? []) {
        const view = item.sk.S!;
        out.set(BaseOnlineStore.itemId({ entityKey: item.pk.S!, view }), toRecord(item, projection && options.features?.get(view)));
      }
      pending = (r.UnprocessedKeys?.[this.table]?.Keys as Record<string, AttributeValue>[] | undefined) ?? [];
    }
    return out;
  }

  protected async *_scan(view: string): AsyncIterable<({ entityKey: string } & OnlineRecord)[]> {
    let start: Record<string, AttributeValue> | undefined;
    const pages: ({ entityKey: string } & OnlineRecord)[][] = [];
    do {
      const r = await this.client.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'sk = :v AND pk <> :w',
          ExpressionAttributeValues: { ':v': { S: view }, ':w': { S: WATERMARK_PK } },
          ExclusiveStartKey: start,
        }),
      );
      pages.push((r.Items ?? []).map((item) => ({ entityKey: item.pk.S!, ...toRecord(item) })));
      start = r.LastEvaluatedKey;
    } while (start);
    // Scan order is the table's hash order; sorting keeps seeded samples reproducible.
    yield pages.flat().sort((a, b) => (a.entityKey < b.entityKey ? -1 : a.entityKey > b.entityKey ? 1 : 0));
  }

  async watermarks(): Promise<Watermark[]> {
    const out: Watermark[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :w',
          ExpressionAttributeValues: { ':w': { S: WATERMARK_PK } },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of r.Items ?? []) out.push({ view: i.sk.S!, eventTs: Number(i.event_ts.N), writtenAt: Number(i.written_at.N) });
      start = r.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => (a.view < b.view ? -1 : 1));
  }

  async deleteView(view: string): Promise<void> {
    await deleteWhere(this.client, this.table, { expression: 'sk = :v', values: { ':v': { S: view } } });
  }

  async close(): Promise<void> {
    // The SDK client is shared and owned by the caller.
  }
}

/** Dates become RFC 3339 text (as in SQLite), so every store returns the same JSON-able values. */
function plain(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k] = v instanceof Date ? v.toISOString() : v;
  return out;
}

/**
 * `only`: the features requested of this item's view. A chunk mixing views is projected to the union
 * of their features; each record keeps its own view's.
 */
function toRecord(item: Record<string, AttributeValue>, only?: readonly string[]): OnlineRecord {
  const features = item.features?.M ?? {};
  let stored = features;
  if (only) {
    stored = {};
    for (const f of only) if (Object.hasOwn(features, f)) stored[f] = features[f];
  }
  return {
    values: unmarshall(stored, { wrapNumbers: false }) as Record<string, unknown>,
    eventTs: Number(item.event_ts.N),
    createdTs: Number(item.created_ts.N),
  };
}
