import middy from '@middy/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { jsonRoute } from '../../functions/lib/http-middleware.js';
import { logger, observability } from '../../functions/lib/observability.js';
import { tracer } from '../../functions/lib/tracer.js';
import { ValidationError } from '../../shared/errors.js';
import { lambdaContext } from '../helpers/lambda-context.js';

const context = lambdaContext();
const apiEvent = { httpMethod: 'POST', path: '/x', headers: {}, queryStringParameters: null, body: '{}', isBase64Encoded: false };

describe('observability: 5xx through the Powertools logger, tracing off outside Lambda', () => {
  afterEach(() => vi.restoreAllMocks());

  it('an HTTP route answers 500 without internals and logs the error through the logger; a 4xx is not logged', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const boom = jsonRoute(z.object({}), async () => {
      throw new Error('secret internals');
    });
    const res = await boom(apiEvent, context);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toMatch(/secret internals/);
    expect(error).toHaveBeenCalledTimes(1);
    expect((error.mock.calls[0][1] as unknown as Error).message).toBe('secret internals');
    const bad = jsonRoute(z.object({ name: z.string() }), async () => ({}));
    expect((await bad(apiEvent, context)).statusCode).toBe(400);
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('a Lambda entry logs an internal failure once and rethrows it; a ValidationError is rethrown unlogged', async () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const entry = (err: Error) =>
      middy()
        .use(observability())
        .handler(async () => {
          throw err;
        });
    await expect(entry(new Error('db down'))({}, context)).rejects.toThrow('db down');
    expect(error).toHaveBeenCalledTimes(1);
    await expect(entry(new ValidationError('bad', []))({}, context)).rejects.toThrow('bad');
    expect(error).toHaveBeenCalledTimes(1);
  });

  it('the tracer is off outside Lambda: SDK clients are returned unwrapped', () => {
    expect(tracer.isTracingEnabled()).toBe(false);
    const client = { middlewareStack: {} };
    expect(tracer.captureAWSv3Client(client)).toBe(client);
  });
});
