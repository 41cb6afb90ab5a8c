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

/** A JSON route called with another content type (415): browsers send text/plain and forms cross-site without a preflight. */
export class UnsupportedMediaTypeError extends SkewlessError {
  constructor(got: string) {
    super(`content-type must be application/json, got '${got.slice(0, 100)}'`, { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415, details: { issues: [{ field: 'content-type', message: 'expected application/json' }] } });
  }
}

/** Header lookup regardless of case (API Gateway keeps the caller's case; Node lower-cases). */
export function header(e: ApiEvent, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(e.headers ?? {})) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** JSON or `+json` media types; an absent header is accepted (non-browser clients), anything else is not. */
export function assertJsonContentType(e: ApiEvent): void {
  const ct = header(e, 'content-type');
  if (ct === undefined || ct === '') return;
  const type = ct.split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]*\+json$/.test(type)) throw new UnsupportedMediaTypeError(ct);
}

export type ParsedEvent<T> = ApiEvent & { parsed: T };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** The JSON error response of any error (503s carry Retry-After). */
export function errorResult(err: unknown): ApiResult {
  const { status, body, headers } = errorBody(err);
  return json(status, body, headers);
}

function zodToValidation(error: z.ZodError): ValidationError {
  const issues = error.issues.slice(0, 50).map((i) => ({ field: i.path.map(String).join('.').slice(0, 200) || '(body)', message: i.message }));
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
      assertJsonContentType(e);
      const text = e.body === null || e.body === undefined ? '' : e.isBase64Encoded ? Buffer.from(e.body, 'base64').toString('utf8') : e.body;
      if (options.maxBytes !== undefined && Buffer.byteLength(text) > options.maxBytes) throw new PayloadTooLargeError(options.maxBytes);
      let raw: unknown;
      try {
        raw = text.trim() ? JSON.parse(text) : {};
      } catch (err) {
        throw new ValidationError(`request body is not valid JSON: ${String((err as Error).message).slice(0, 200)}`, [{ field: '(body)', message: 'invalid JSON' }]);
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
      const result = errorResult(request.error);
      if (result.statusCode >= 500) log(request.error);
      request.response = result;
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
