import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * The X-Ray tracer of a Lambda container (Powertools); the functions run with active tracing
 * (infra/functions.ts). Outside Lambda (tests, `serve`) it switches itself off: no segments, SDK
 * clients returned as they are. Its own module, so wrapping SDK clients does not load the logger and
 * metrics (they read their settings from the environment when loaded).
 */
export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'skewless' });
