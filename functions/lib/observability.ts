import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type middy from '@middy/core';

/** One logger and one EMF metrics emitter per Lambda container (Powertools). */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'skewless' });
// Metrics' own warnings (e.g. "No application metrics to publish" from a lookup that records none)
// go through the structured logger and its level, not straight to the console.
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Skewless', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'skewless', logger });

/** The Lambda-only middlewares: structured logs with the request context, and EMF metrics flushed per invocation. */
export function observability(): middy.MiddlewareObj[] {
  return [injectLambdaContext(logger, { resetKeys: true }) as middy.MiddlewareObj, logMetrics(metrics) as middy.MiddlewareObj];
}
