import { createHash } from 'node:crypto';

/**
 * The id of an event: a hash of the whole event row (every column, names sorted, timestamps as
 * epoch ms). At-least-once delivery re-sends identical rows, so a re-delivered Kinesis record or a
 * repeated push carries the same id and is stored once; two events that differ in any column are
 * two events. Two rows identical in every column are one event — offline counts them once too
 * (docs/aggregations-online.md#event-identity).
 */
export function eventId(row: Record<string, unknown>): string {
  const names = Object.keys(row).sort();
  const canon = names.map((n) => {
    const v = row[n];
    return [n, v instanceof Date ? v.getTime() : typeof v === 'bigint' ? v.toString() : (v ?? null)];
  });
  return createHash('sha256').update(JSON.stringify(canon)).digest('base64url').slice(0, 22);
}
