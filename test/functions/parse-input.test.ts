import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PushBody } from '../../functions/http-push-handler.js';
import { apiGatewayBodyEnvelope, eventEnvelope, streamRecordsEnvelope, type StreamInput } from '../../functions/lib/envelopes.js';
import { invalidInput, parseInput } from '../../functions/lib/parse-input.js';
import { ValidationError } from '../../shared/errors.js';

const context = {} as Context;
const Schema = z.object({ name: z.string(), n: z.number().int().default(1) });
type Parsed = z.output<typeof Schema>;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const apiEvent = (body: string | null, headers: Record<string, string> = { 'content-type': 'application/json' }, isBase64Encoded = false) => ({
  httpMethod: 'POST',
  path: '/x',
  headers,
  queryStringParameters: null,
  body,
  isBase64Encoded,
});

/** A handler that returns what it received: the parsed value, never the raw event. */
function echo<T, Out>(
  envelope: Parameters<typeof parseInput<unknown, T, Out>>[1],
  schema: Parameters<typeof parseInput<unknown, T, Out>>[0] = Schema as never,
) {
  return middy<unknown, unknown>()
    .use(parseInput(schema, envelope, 'test input'))
    .handler(async (input) => input);
}
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as ValidationError,
  );

describe('parseInput: the one way input enters every handler', () => {
  it('event envelope: the handler receives the parsed event (defaults applied, unknown keys stripped); none is {}', async () => {
    expect(await echo(eventEnvelope<Parsed>())({ name: 'a', extra: true }, context)).toEqual({ name: 'a', n: 1 });
    await expect(echo(eventEnvelope(), z.object({ n: z.number().default(7) }) as never)(null, context)).resolves.toEqual({ n: 7 });
  });

  it('a bad event is a 400 ValidationError naming the field of each issue, before the handler runs', async () => {
    let ran = false;
    const handler = middy<unknown, unknown>()
      .use(parseInput(Schema, eventEnvelope<Parsed>(), 'test input'))
      .handler(async () => (ran = true));
    const err = await rejection(handler({ name: 3, n: 1.5 }, context));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err!.status).toBe(400);
    expect(err!.message).toMatch(/^invalid test input: name: /);
    expect((err!.details as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(['name', 'n']);
    expect(ran).toBe(false);
  });

  it('a shape error at the root names the payload itself', () => {
    const err = invalidInput('push record', '(record)', [{ path: [], message: 'expected object' }]);
    expect(err.message).toBe('invalid push record: (record): expected object');
  });

  it('API Gateway envelope: JSON body (plain or base64), 415 for another content type, 413 over the cap, 400 for bad JSON', async () => {
    const h = echo(apiGatewayBodyEnvelope<Parsed>({ maxBytes: 40 }));
    expect(await h(apiEvent('{"name":"a","n":2}'), context)).toEqual({ name: 'a', n: 2 });
    expect(await h(apiEvent(b64('{"name":"b"}'), {}, true), context)).toEqual({ name: 'b', n: 1 });
    expect((await rejection(h(apiEvent('{"name":"a"}', { 'Content-Type': 'text/plain' }), context)))!.status).toBe(415);
    expect((await rejection(h(apiEvent(JSON.stringify({ name: 'x'.repeat(64) })), context)))!.status).toBe(413);
    const bad = await rejection(h(apiEvent('{not json'), context));
    expect([bad!.status, bad!.message]).toEqual([400, expect.stringMatching(/not valid JSON/)]);
    expect((await rejection(h(apiEvent(null), context)))!.message).toBe('invalid test input: name: Invalid input: expected string, received undefined');
  });

  it('stream envelope: Kinesis and Kafka records parsed one by one; a bad record carries its error, the others their body', async () => {
    const h = echo(streamRecordsEnvelope<PushBody>(), PushBody);
    const good = JSON.stringify({ push_source_name: 's', df: { a: [1] } });
    const kinesis = {
      Records: [good, '{not json', JSON.stringify({ df: {} })].map((p, i) => ({
        eventID: `shardId-1:${i}`,
        eventSourceARN: 'arn:aws:kinesis:eu-west-1:1:stream/s',
        kinesis: { sequenceNumber: `seq-${i}`, data: b64(p), approximateArrivalTimestamp: 1 },
      })),
    };
    const out = (await h(kinesis, context)) as StreamInput<PushBody>[];
    expect(out.map((r) => r.record.id)).toEqual(['seq-0', 'seq-1', 'seq-2']);
    expect(out[0].body).toEqual({ push_source_name: 's', df: { a: [1] }, to: 'online' });
    expect(out[1].error).toBeInstanceOf(ValidationError);
    expect(out[1].error!.message).toMatch(/not valid JSON/);
    expect(out[2].error!.message).toMatch(/^invalid test input: push_source_name: /);
    const kafka = { records: { 't-0': [{ topic: 't', partition: 0, offset: 5, timestamp: 1, value: b64(good) }] } };
    const [k] = (await h(kafka, context)) as StreamInput<PushBody>[];
    expect([k.record.id, k.body?.push_source_name]).toEqual([{ 'topic-partition': 't-0', offset: 5 }, 's']);
  });
});
