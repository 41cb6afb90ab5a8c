import middy from '@middy/core';
import type { z } from 'zod';
import { errorBody } from '../../shared/errors.js';
import { releaseResponse } from '../../shared/services/online-response-json.js';
import { apiGatewayBodyEnvelope } from './envelopes.js';
import { logger } from './logger.js';
import { parseInput, type InputSchema } from './parse-input.js';
import { type ApiEvent, type ApiResult, BODY_BYTES } from './types.js';

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** A route's answer already serialized as UTF-8 JSON (a writer for its known shape): sent as is. */
export class JsonBytes {
  constructor(readonly bytes: Buffer) {}
}

/**
 * A 200 of JSON bytes: `body` decodes them when first read (Lambda), after which the bytes go back
 * to their pool; `serve` writes the bytes themselves and releases them once sent (`BODY_BYTES`).
 */
export function bytesResult(bytes: Buffer): ApiResult {
  let text: string | undefined;
  const result: ApiResult = {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    get body() {
      if (text === undefined) {
        text = bytes.toString();
        delete result[BODY_BYTES];
        releaseResponse(bytes);
      }
      return text;
    },
    [BODY_BYTES]: bytes,
  };
  return result;
}

/** The JSON error response of any error (503s carry Retry-After). */
export function errorResult(err: unknown): ApiResult {
  const { status, body, headers } = errorBody(err);
  return json(status, body, headers);
}

/**
 * Turns errors into `{ error: { code, message, details } }` with the error's status; anything that
 * is not a SkewlessError is a 500 whose internals are logged (Powertools logger), never returned.
 */
export function httpErrors(log: (err: unknown) => void = logInternal): middy.MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: (request) => {
      request.response = routeErrorResult(request.error, log);
      return request.response;
    },
  };
}

const logInternal = (err: unknown) => logger.error('internal error', err as Error);

/** What a route answers for an error: its JSON error response; a 500's internals are logged, never returned. */
export function routeErrorResult(err: unknown, log: (err: unknown) => void = logInternal): ApiResult {
  const result = errorResult(err);
  if (result.statusCode >= 500) log(err);
  return result;
}

/**
 * The one shape of every JSON route: errors as JSON, the body parsed and validated by `schema`
 * (parseInput with the API Gateway body envelope), `run` called with it, its result returned as 200
 * (a `JsonBytes` as it is, anything else through JSON.stringify).
 * `before`: middlewares that see the raw event ahead of parsing (the schema-hash check).
 */
export function jsonRoute<S extends z.ZodType>(
  schema: S,
  run: (body: z.output<S>) => Promise<unknown>,
  options: { maxBytes?: number; before?: middy.MiddlewareObj<ApiEvent, ApiResult>[] } = {},
) {
  return middy<ApiEvent, ApiResult>()
    .use(httpErrors())
    .use(options.before ?? [])
    .use(parseInput(schema as InputSchema<z.output<S>>, apiGatewayBodyEnvelope<z.output<S>>(options), 'request'))
    .handler(async (body) => {
      const out = await run(body as unknown as z.output<S>);
      return out instanceof JsonBytes ? bytesResult(out.bytes) : json(200, out);
    });
}
