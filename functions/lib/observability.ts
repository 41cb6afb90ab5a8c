import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import { SkewlessError } from '../../shared/errors.js';
import { logger } from './logger.js';
import { tracer } from './tracer.js';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'skewless';

/** One logger (logger.ts) and one EMF metrics emitter per Lambda container (Powertools); the tracer is in tracer.ts. */
export { logger };
// Metrics' own warnings (e.g. "No application metrics to publish" from a lookup that records none)
// go through the structured logger and its level, not straight to the console.
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Skewless', serviceName, logger });

/** A failure that is ours, not the caller's: anything but a SkewlessError below 500. */
export function isInternalError(err: unknown): boolean {
  return !(err instanceof SkewlessError) || err.status >= 500;
}

/** 5xx of an invocation go through the structured logger (with the request context); 4xx are the caller's and are not logged as errors. */
function logInternalErrors(): middy.MiddlewareObj {
  return {
    onError: (request) => {
      if (isInternalError(request.error)) logger.error('invocation failed', request.error as Error);
    },
  };
}

/**
 * The Lambda-only middlewares, outermost in every entry: structured logs with the request context,
 * a traced handler segment, EMF metrics flushed per invocation, internal errors logged.
 */
export function observability(): middy.MiddlewareObj[] {
  return [
    injectLambdaContext(logger, { resetKeys: true }) as middy.MiddlewareObj,
    captureLambdaHandler(tracer) as middy.MiddlewareObj,
    logMetrics(metrics) as middy.MiddlewareObj,
    logInternalErrors(),
  ];
}
