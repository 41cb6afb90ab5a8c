import type { KinesisStreamEvent, MSKEvent } from 'aws-lambda';
import { PayloadTooLargeError, ValidationError } from '../../shared/errors.js';
import { assertJsonContentType } from './http-request.js';
import type { Envelope } from './parse-input.js';
import { kinesisRecords, mskRecords, type StreamRecord } from './stream-records.js';
import type { ApiEvent } from './types.js';

/** The event is the payload: Step Functions task input, an EventBridge rule's input, a direct invoke (none: `{}`). */
export function eventEnvelope<T>(): Envelope<unknown, T, T> {
  return { root: '(event)', open: (event, parse) => parse(event ?? {}) };
}

/**
 * API Gateway's REST proxy event (and `serve`'s): the JSON body. A body over `maxBytes` is a 413, a
 * content type other than JSON a 415, bad JSON a 400 — all before the schema runs.
 */
export function apiGatewayBodyEnvelope<T>(options: { maxBytes?: number } = {}): Envelope<ApiEvent, T, T> {
  return {
    root: '(body)',
    open: (e, parse) => {
      assertJsonContentType(e);
      const text = e.body === null || e.body === undefined ? '' : e.isBase64Encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body;
      return parse(jsonBody(text, options.maxBytes));
    },
  };
}

/** A request body's JSON: over `maxBytes` a 413, bad JSON a 400, an empty body `{}`. */
export function jsonBody(text: string, maxBytes?: number): unknown {
  if (maxBytes !== undefined && Buffer.byteLength(text) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  try {
    return text.trim() ? JSON.parse(text) : {};
  } catch (err) {
    throw new ValidationError(`request body is not valid JSON: ${String((err as Error).message).slice(0, 200)}`, [
      { field: '(body)', message: 'invalid JSON' },
    ]);
  }
}

/** One record of a stream batch: its parsed payload, or why it could not be parsed (a ValidationError). */
export type StreamInput<T> = { record: StreamRecord; body: T; error?: undefined } | { record: StreamRecord; body?: undefined; error: ValidationError };

/**
 * Kinesis or Kafka (MSK / self-managed): each record's JSON payload, parsed on its own. A bad record
 * is an item of the batch carrying its error, not a failed batch: the handler quarantines it and
 * writes the others.
 */
export function streamRecordsEnvelope<T>(): Envelope<KinesisStreamEvent | MSKEvent, T, StreamInput<T>[]> {
  return {
    root: '(record)',
    open: (event, parse) =>
      ('Records' in event ? kinesisRecords(event) : mskRecords(event)).map((record): StreamInput<T> => {
        let raw: unknown;
        try {
          raw = JSON.parse(record.payload);
        } catch (err) {
          return {
            record,
            error: new ValidationError(`invalid push record: payload is not valid JSON: ${String((err as Error).message).slice(0, 200)}`, [
              { field: '(record)', message: 'invalid JSON' },
            ]),
          };
        }
        try {
          return { record, body: parse(raw) };
        } catch (err) {
          if (err instanceof ValidationError) return { record, error: err };
          throw err;
        }
      }),
  };
}
