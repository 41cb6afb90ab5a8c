import type { KinesisStreamEvent, MSKEvent } from 'aws-lambda';

/**
 * The identifier Lambda expects back for a failed record: Kinesis, the record's sequence number;
 * Kafka (MSK / self-managed), `{ "topic-partition": "<topic>-<partition>", "offset": <offset> }`
 * (the shape AWS Powertools for Lambda emits for Kafka partial batch responses).
 */
export type ItemIdentifier = string | { 'topic-partition': string; offset: number };

/** One stream record: where it came from, its identifier for batchItemFailures and its payload (Feast push JSON). */
export interface StreamRecord {
  source: 'kinesis' | 'kafka';
  id: ItemIdentifier;
  /** Human-readable position (logs, quarantine). */
  position: string;
  /** Deterministic object name for its quarantine entry. */
  key: string;
  arrivedAt: number;
  payload: string;
  payloadBase64: string;
}

export function kinesisRecords(event: KinesisStreamEvent): StreamRecord[] {
  return event.Records.map((r) => {
    const stream = r.eventSourceARN?.split('/').pop() ?? 'stream';
    const shard = r.eventID?.split(':')[0] ?? 'shard';
    return {
      source: 'kinesis',
      id: r.kinesis.sequenceNumber,
      position: `${stream}/${shard}/${r.kinesis.sequenceNumber}`,
      key: `${stream}-${shard}-${r.kinesis.sequenceNumber}`,
      arrivedAt: Math.round(r.kinesis.approximateArrivalTimestamp * 1000),
      payload: Buffer.from(r.kinesis.data, 'base64').toString('utf8'),
      payloadBase64: r.kinesis.data,
    };
  });
}

export function mskRecords(event: MSKEvent): StreamRecord[] {
  return Object.values(event.records).flatMap((records) =>
    records.map((r) => ({
      source: 'kafka' as const,
      id: { 'topic-partition': `${r.topic}-${r.partition}`, offset: Number(r.offset) },
      position: `${r.topic}-${r.partition}@${r.offset}`,
      key: `${r.topic}-${r.partition}-${r.offset}`,
      arrivedAt: r.timestamp,
      payload: Buffer.from(r.value ?? '', 'base64').toString('utf8'),
      payloadBase64: r.value ?? '',
    })),
  );
}
