import middy from '@middy/core';
import type { KinesisStreamEvent, MSKEvent, SQSBatchResponse } from 'aws-lambda';
import type { PushRequest } from '../shared/services/push.js';
import { PushBody } from './push.js';
import type { StoreProvider } from './lib/store-provider.js';

/** One stream record: its identifier for batchItemFailures and its payload (Feast push JSON). */
export interface StreamRecord {
  id: string;
  payload: string;
}

export function kinesisRecords(event: KinesisStreamEvent): StreamRecord[] {
  return event.Records.map((r) => ({ id: r.kinesis.sequenceNumber, payload: Buffer.from(r.kinesis.data, 'base64').toString('utf8') }));
}

export function mskRecords(event: MSKEvent): StreamRecord[] {
  return Object.values(event.records).flatMap((records) =>
    records.map((r) => ({ id: `${r.topic}-${r.partition}@${r.offset}`, payload: Buffer.from(r.value, 'base64').toString('utf8') })),
  );
}

export interface StreamPushOptions {
  onInvalid?: (record: StreamRecord, error: unknown) => void;
}

/**
 * Kinesis / MSK → push, through the same validation as POST /push. Each record is checked on its
 * own; valid ones are written together per (push source, mode); invalid ones are reported in
 * `batchItemFailures` (so retries and the on-failure destination keep them) without blocking or
 * losing the others. Re-delivered records are harmless: online writes are newer-wins.
 */
export async function processStream(getStore: StoreProvider, records: StreamRecord[], o: StreamPushOptions = {}): Promise<SQSBatchResponse> {
  const store = await getStore();
  const failures: string[] = [];
  const groups = new Map<string, { req: PushRequest; ids: string[] }>();
  for (const record of records) {
    try {
      const body = PushBody.parse(JSON.parse(record.payload));
      const req: PushRequest = { pushSourceName: body.push_source_name, df: body.df, to: body.to };
      await store.validatePush(req);
      const key = `${body.push_source_name}\u0000${body.to}`;
      const g = groups.get(key) ?? { req: { pushSourceName: body.push_source_name, rows: [], to: body.to }, ids: [] };
      const cols = Object.entries(body.df);
      const n = cols[0]?.[1].length ?? 0;
      for (let i = 0; i < n; i++) g.req.rows!.push(Object.fromEntries(cols.map(([k, v]) => [k, v[i]])));
      g.ids.push(record.id);
      groups.set(key, g);
    } catch (err) {
      o.onInvalid?.(record, err);
      failures.push(record.id);
    }
  }
  for (const g of groups.values()) {
    try {
      await store.push(g.req);
    } catch (err) {
      // Valid records whose write failed (throttling, outage): retried by the event source.
      o.onInvalid?.({ id: g.ids.join(','), payload: '' }, err);
      failures.push(...g.ids);
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** Lambda handler for Kinesis and MSK event sources. */
export function createStreamPushHandler(getStore: StoreProvider, o: StreamPushOptions = {}) {
  return middy<KinesisStreamEvent | MSKEvent, SQSBatchResponse>().handler(async (event) => {
    const records = 'Records' in event ? kinesisRecords(event) : mskRecords(event);
    return processStream(getStore, records, o);
  });
}

