import middy from '@middy/core';
import type { z } from 'zod';
import { errorBody, SkewlessError, ValidationError } from '../../shared/errors.js';
import type { ApiEvent, ApiResult } from './types.js';

/** Payload too large (413): bodies over the limit are refused before parsing. */
export class PayloadTooLargeError extends SkewlessError {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`, { code: 'PAYLOAD_TOO_LARGE', status: 413, details: { limit } });
  }
}

export type ParsedEvent<T> = ApiEvent & { parsed: T };

export function json(statusCode: number, body: unknown): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function zodToValidation(error: z.ZodError): ValidationError {
  const issues = error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
  return new ValidationError(`invalid request: ${issues[0].field}: ${issues[0].message}`, issues);
}

/**
 * Parses and validates the JSON body with a zod schema into `event.parsed`; bad JSON or a bad
 * shape is a 400 naming the field.
 */
export function jsonBody<S extends z.ZodType>(schema: S, options: { maxBytes?: number } = {}): middy.MiddlewareObj<ParsedEvent<z.output<S>>, ApiResult> {
  return {
    before: (request) => {
      const e = request.event;
      const text = e.body === null || e.body === undefined ? '' : e.isBase64Encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body;
      if (options.maxBytes !== undefined && Buffer.byteLength(text) > options.maxBytes) throw new PayloadTooLargeError(options.maxBytes);
      let raw: unknown;
      try {
        raw = text.trim() ? JSON.parse(text) : {};
      } catch (err) {
        throw new ValidationError(`request body is not valid JSON: ${(err as Error).message}`, [{ field: '(body)', message: 'invalid JSON' }]);
      }
      const r = schema.safeParse(raw);
      if (!r.success) throw zodToValidation(r.error);
      e.parsed = r.data;
    },
  };
}

/**
 * Turns errors into `{ error: { code, message, details } }` with the error's status; anything that
 * is not a SkewlessError is a 500 whose internals are logged, never returned.
 */
export function httpErrors(log: (err: unknown) => void = (err) => console.error(err)): middy.MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: (request) => {
      const { status, body } = errorBody(request.error);
      if (status >= 500) log(request.error);
      request.response = json(status, body);
      return request.response;
    },
  };
}

/**
 * The one shape of every JSON route: errors as JSON, the body parsed and validated by `schema`,
 * `run` called with it, its result returned as 200.
 */
export function jsonRoute<S extends z.ZodType>(schema: S, run: (body: z.output<S>) => Promise<unknown>, options: { maxBytes?: number } = {}) {
  return middy<ApiEvent, ApiResult>()
    .use(httpErrors())
    .use(jsonBody(schema, options) as middy.MiddlewareObj<ApiEvent, ApiResult>)
    .handler(async (event) => json(200, await run((event as ParsedEvent<z.output<S>>).parsed)));
}
