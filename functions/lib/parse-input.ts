import type middy from '@middy/core';
import { ValidationError } from '../../shared/errors.js';

/** One problem with the input, as zod reports it. */
export interface InputIssue {
  path: PropertyKey[];
  message: string;
}

/** Anything with zod's `safeParse`: a schema, or a pair of schemas dispatched on the input's shape. */
export interface InputSchema<T> {
  safeParse(input: unknown): { success: true; data: T } | { success: false; error: { issues: InputIssue[] } };
}

/**
 * Where the payload sits in a Lambda event (Powertools parser's envelopes): the whole event, an API
 * Gateway body, each record of a Kinesis / Kafka batch. `open` hands every payload to `parse`, which
 * throws a ValidationError naming the field; `root` names the payload itself in that error.
 */
export interface Envelope<E, T, Out> {
  readonly root: string;
  open(event: E, parse: (payload: unknown) => T): Out;
}

/** The 400 of bad input: the first issue in the message, up to 50 in `details.issues`, each naming its field. */
export function invalidInput(what: string, root: string, issues: readonly InputIssue[]): ValidationError {
  const list = issues.slice(0, 50).map((i) => ({ field: i.path.map(String).join('.').slice(0, 200) || root, message: i.message }));
  const first = list[0] ?? { field: root, message: 'invalid' };
  return new ValidationError(`invalid ${what}: ${first.field}: ${first.message}`, list);
}

/** Parses one payload with `schema`, or throws the 400 naming the field. */
export function parseWith<T>(schema: InputSchema<T>, what: string, root: string): (payload: unknown) => T {
  return (payload) => {
    const r = schema.safeParse(payload);
    if (!r.success) throw invalidInput(what, root, r.error.issues);
    return r.data;
  };
}

/**
 * The one way input enters every handler (Lambda entries, HTTP routes, stream batches): the envelope
 * finds the payload, the schema validates it, the handler receives the parsed value as its event.
 * Bad input becomes a ValidationError (400 on HTTP, a failed invocation elsewhere) before the
 * handler runs; use it after the observability middlewares so they see the raw event.
 */
export function parseInput<E, T, Out>(schema: InputSchema<T>, envelope: Envelope<E, T, Out>, what: string): middy.MiddlewareObj {
  const parse = parseWith(schema, what, envelope.root);
  return {
    before: (request) => {
      request.event = envelope.open(request.event as E, parse);
    },
  };
}
