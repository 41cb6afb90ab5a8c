import { type AttributeValue, ConditionalCheckFailedException, type DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { deleteWhere } from '../dynamodb-delete.js';
import { OnlineStoreUnavailableError } from '../../errors.js';
import { TILE_PK_PREFIX, tilePartitionKey } from '../../layout/tile-keys.js';
import { addEvent, emptyTile, type TileEvent } from './partials.js';
import { expiresAt, mergeRanges, type TimeRange, tileStart } from './tile-layout.js';
import { type TileRow, tileSetOf } from './tile-set.js';
import type { TileLayout, TileStore, TileWrite, TileWriteResult } from './types.js';
import { type EntityTiles, edgeCuts, NO_TILES } from './window-merge.js';

const tilePk = tilePartitionKey;
// Fixed-width times sort as text: sort keys E#<ts>#<id> (raw events) and T#<tile start> (tiles).
const pad = (ts: number) => String(ts + 1e15).padStart(16, '0');
const eventSk = (ts: number, id: string) => `E#${pad(ts)}#${id}`;
const tileSk = (start: number) => `T#${pad(start)}`;

export interface DynamoDBTileStoreOptions {
  client: DynamoDBClient;
  table: string;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
}

async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/**
 * Tiles in the online DynamoDB table (docs/aggregations-online.md#dynamodb): per (view, entity) one
 * partition holding raw events (`E#<ts>#<id>`, written with `attribute_not_exists`, so a re-delivered
 * event is stored once) and tiles (`T#<start>`). A tile is recomputed from its stored events after
 * every write that touches it — re-deliveries included, so a write that failed between the event and
 * its tile is repaired by the retry — and put only if it holds at least as many events as the stored
 * one (events only accumulate, so the larger count is the more complete tile). Items carry
 * `expires_at` for the table's TTL. A lookup of E entities costs one Query of its tiles per entity,
 * then one per edge range that cuts through a tile's events (≤ windows + 1, usually none);
 * consistent reads, so a lookup right after a push sees it.
 */
export class DynamoDBTileStore implements TileStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly concurrency: number;

  constructor(o: DynamoDBTileStoreOptions) {
    this.client = o.client;
    this.table = o.table;
    this.concurrency = o.concurrency ?? 16;
  }

  async write(view: string, layout: TileLayout, events: readonly TileWrite[], writtenAt: Date): Promise<TileWriteResult> {
    const now = Math.floor(writtenAt.getTime() / 1000);
    let written = 0;
    let duplicates = 0;
    let expired = 0;
    let newestTs = -Infinity;
    const touched = new Map<string, { entityKey: string; start: number }>();
    const unique = new Map<string, TileWrite>();
    for (const w of events) {
      newestTs = Math.max(newestTs, w.event.ts);
      // Past retention, its tile may be gone: storing it would rebuild a tile from this event alone.
      if (expiresAt(w.event.ts, layout.intervalMs, layout.maxWindowMs, layout.skewMs) < now) expired++;
      else if (unique.has(`${w.entityKey}\u0000${w.event.id}`)) duplicates++;
      else unique.set(`${w.entityKey}\u0000${w.event.id}`, w);
    }
    await this.guard(() =>
      pool([...unique.values()], this.concurrency, async ({ entityKey, event }) => {
        const start = tileStart(event.ts, layout.intervalMs);
        touched.set(`${start}\u0000${entityKey}`, { entityKey, start });
        try {
          await this.client.send(
            new PutItemCommand({
              TableName: this.table,
              Item: {
                pk: { S: tilePk(view, entityKey) },
                sk: { S: eventSk(event.ts, event.id) },
                ts: { N: String(event.ts) },
                vals: { S: JSON.stringify(event.values) },
                expires_at: { N: String(expiresAt(event.ts, layout.intervalMs, layout.maxWindowMs, layout.skewMs)) },
              },
              ConditionExpression: 'attribute_not_exists(sk)',
            }),
          );
          written++;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
          duplicates++;
        }
      }),
    );
    await this.guard(() => pool([...touched.values()], this.concurrency, (t) => this.rebuildTile(view, layout, t.entityKey, t.start)));
    return { written, duplicates, expired, ...(Number.isFinite(newestTs) ? { newestTs } : {}) };
  }

  private async rebuildTile(view: string, layout: TileLayout, entityKey: string, start: number): Promise<void> {
    const events = await this.queryEvents(view, entityKey, { from: start, to: start + layout.intervalMs });
    let tile = emptyTile(layout.measures);
    let newest = -Infinity;
    let oldest = Infinity;
    for (const e of events) {
      tile = addEvent(layout.measures, tile, e);
      newest = Math.max(newest, e.ts);
      oldest = Math.min(oldest, e.ts);
    }
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: { S: tilePk(view, entityKey) },
            sk: { S: tileSk(start) },
            partials: { S: JSON.stringify(tile) },
            newest_ts: { N: String(newest) },
            oldest_ts: { N: String(oldest) },
            n: { N: String(events.length) },
            expires_at: { N: String(expiresAt(start, layout.intervalMs, layout.maxWindowMs, layout.skewMs)) },
          },
          // A concurrent writer that saw more events has already put the more complete tile.
          ConditionExpression: /* @mutate */ 'attribute_not_exists(sk) OR n <= :n',
          ExpressionAttributeValues: { ':n': { N: String(events.length) } },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async read(view: string, layout: TileLayout, entityKeys: readonly string[], t: number): Promise<EntityTiles[]> {
    // Every tile any window at t can overlap: from the tile holding t − (longest window) to t.
    const from = tileStart(t - layout.maxWindowMs + 1, layout.intervalMs);
    const unique = [...new Set(entityKeys)];
    const out = new Map<string, EntityTiles>();
    await this.guard(() =>
      pool(unique, this.concurrency, async (k) => {
        const rows: TileRow[] = (await this.query(tilePk(view, k), tileSk(from), tileSk(t))).map((item) => ({
          start: Number(item.sk.S!.slice(2)) - 1e15,
          // A tile written before oldest_ts existed counts as spanning its whole interval: its edges read raw events.
          oldest: item.oldest_ts ? Number(item.oldest_ts.N) : -Infinity,
          newest: Number(item.newest_ts.N),
          partials: JSON.parse(item.partials.S!),
        }));
        if (!rows.length) return;
        const tiles = tileSetOf(layout.measures, rows);
        const events = (await Promise.all(mergeRanges(edgeCuts(t, layout, tiles)).map((r) => this.queryEvents(view, k, r)))).flat();
        out.set(k, { tiles, events });
      }),
    );
    return entityKeys.map((k) => out.get(k) ?? NO_TILES);
  }

  private async queryEvents(view: string, entityKey: string, r: TimeRange): Promise<TileEvent[]> {
    const items = await this.query(tilePk(view, entityKey), `E#${pad(r.from)}`, `E#${pad(r.to - 1)}#\uffff`);
    return items.map((i) => ({ ts: Number(i.ts.N), id: i.sk.S!.slice(19), values: JSON.parse(i.vals.S!) }));
  }

  private async query(pk: string, from: string, to: string): Promise<Record<string, AttributeValue>[]> {
    const out: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
          ExpressionAttributeValues: { ':pk': { S: pk }, ':a': { S: from }, ':b': { S: to } },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** SDK failures after its retries become a 503 (Retry-After): re-sending converges, writes are idempotent. */
  private async guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (err instanceof OnlineStoreUnavailableError) throw err;
      throw new OnlineStoreUnavailableError(`tile store: ${(err as Error)?.name ?? 'error'}: ${(err as Error)?.message ?? ''}`.slice(0, 300));
    }
  }

  async deleteView(view: string): Promise<void> {
    await deleteWhere(this.client, this.table, { expression: 'begins_with(pk, :p)', values: { ':p': { S: `${TILE_PK_PREFIX}${view}#` } } });
  }

  async close(): Promise<void> {
    // The SDK client is shared and owned by the caller.
  }
}
