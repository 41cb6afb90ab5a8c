import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The structured logger of a Lambda container (Powertools), in a module of its own: the HTTP
 * middlewares (which `serve` runs too) need it without observability.ts, whose tracer loads the X-Ray
 * SDK, and that installs async hooks tracking every promise of the process (a large share of
 * `serve`'s per-request CPU in a profile).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'skewless' });
