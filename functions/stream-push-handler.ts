import middy from '@middy/core';
import type { KinesisStreamEvent, MSKEvent } from 'aws-lambda';
import { SkewlessError } from '../shared/errors.js';
import type { PushRequest } from '../shared/services/push.js';
import { PushBody } from './http-push-handler.js';
import { streamRecordsEnvelope, type StreamInput } from './lib/envelopes.js';
import { parseInput } from './lib/parse-input.js';
import type { StoreProvider } from './lib/store-provider.js';
import type { ItemIdentifier, StreamRecord } from './lib/stream-records.js';
import { quarantineFromEnv, type Quarantine } from './stream-quarantine.js';

export interface StreamBatchResponse {
  batchItemFailures: { itemIdentifier: ItemIdentifier }[];
}

export interface StreamPushOptions {
  /** Where invalid records go. @default `quarantineFromEnv()` (s3://$SKEWLESS_BUCKET/quarantine/) */
  quarantine?: Quarantine;
  onInvalid?: (record: StreamRecord, error: unknown) => void;
  onRetryable?: (records: StreamRecord[], error: unknown) => void;
}

/**
 * A failure that retrying cannot fix: our own 4xx errors (validation, unknown push source,
 * too-large item). Everything else — throttling, timeouts, 5xx, network — may succeed next time.
 */
export function isPermanent(err: unknown): boolean {
  return err instanceof SkewlessError && err.status < 500;
}

const reasonOf = (err: unknown) => ({
  message: err instanceof Error ? err.message : String(err),
  details: err instanceof SkewlessError ? err.details : undefined,
});

/**
 * Kinesis / MSK → push, through the same validation as POST /push. Each record is checked on its
 * own. Invalid ones are quarantined with their reason and are not reported: a retry would fail the
 * same way and the on-failure destination would keep only their position. Valid ones are written
 * together per (push source, mode); if that write fails for a retryable reason, exactly those
 * records are reported in `batchItemFailures`, so Lambda retries them (a bounded number of times,
 * then the dead-letter queue). A record whose quarantine write fails is reported too — never lost.
 * Re-delivered records are harmless: online writes are newer-wins, quarantine keys are positional.
 */
export async function processStream(getStore: StoreProvider, inputs: StreamInput<PushBody>[], o: StreamPushOptions = {}): Promise<StreamBatchResponse> {
  const store = await getStore();
  const failed: StreamRecord[] = [];
  const groups = new Map<string, { req: PushRequest; records: StreamRecord[] }>();
  const quarantine = async (record: StreamRecord, err: unknown) => {
    o.onInvalid?.(record, err);
    try {
      await (o.quarantine ?? quarantineFromEnv())(record, reasonOf(err));
    } catch (qErr) {
      o.onRetryable?.([record], qErr);
      failed.push(record);
    }
  };
  for (const { record, body, error } of inputs) {
    if (error) {
      await quarantine(record, error);
      continue;
    }
    try {
      await store.validatePush({ pushSourceName: body.push_source_name, df: body.df, to: body.to });
    } catch (err) {
      if (isPermanent(err)) await quarantine(record, err);
      else {
        o.onRetryable?.([record], err);
        failed.push(record);
      }
      continue;
    }
    const key = `${body.push_source_name}\u0000${body.to}`;
    const g = groups.get(key) ?? { req: { pushSourceName: body.push_source_name, rows: [], to: body.to }, records: [] };
    const cols = Object.entries(body.df);
    const n = cols[0]?.[1].length ?? 0;
    for (let i = 0; i < n; i++) g.req.rows!.push(Object.fromEntries(cols.map(([k, v]) => [k, v[i]])));
    g.records.push(record);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    try {
      await store.push(g.req);
    } catch (err) {
      if (isPermanent(err)) for (const r of g.records) await quarantine(r, err);
      else {
        o.onRetryable?.(g.records, err);
        failed.push(...g.records);
      }
    }
  }
  return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.id })) };
}

/** Lambda handler for Kinesis and MSK event sources: each record parsed on its own by the stream envelope. */
export function createStreamPushHandler(getStore: StoreProvider, o: StreamPushOptions = {}) {
  return middy<KinesisStreamEvent | MSKEvent, StreamBatchResponse>()
    .use(parseInput(PushBody, streamRecordsEnvelope<PushBody>(), 'push record'))
    .handler(async (inputs) => processStream(getStore, inputs as unknown as StreamInput<PushBody>[], o));
}
