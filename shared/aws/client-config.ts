import { ENV } from '../layout/env.js';
import { SkewlessRetryStrategy } from './retry-policy.js';

/**
 * Settings every AWS SDK client of a process shares, with no SDK client package imported here, so
 * a module that needs only S3 and DynamoDB (storage-clients.ts) never loads Glue and Athena
 * (query-clients.ts; docs/performance.md#lambda-cold-start).
 */
export interface ClientOptions {
  /**
   * Time one invocation may spend (default: SKEWLESS_FUNCTION_TIMEOUT_SECONDS, which the CDK app sets
   * to the Lambda's timeout, else 30 s). Timeouts and attempts are sized so that one call, retries
   * included, ends well inside it.
   */
  budgetMs?: number;
  maxAttempts?: number;
  /**
   * Connections kept per endpoint (default 50, the SDK's): size it to the requests one process has
   * in flight at once — the online store's write concurrency, and a lookup's parallel BatchGetItem
   * calls (⌈entities / 100⌉ per view). Requests above it wait for a free connection.
   */
  maxSockets?: number;
}

/**
 * The HTTP agents' settings: keep-alive, so a warm Lambda or a long CLI run reuses its TLS
 * connections (a new one to DynamoDB costs a TCP and a TLS handshake, several round trips) instead of
 * opening one per call. The SDK v3 keeps connections alive by default today; stating it here keeps it
 * so whatever a future default says, and sizes the pool.
 */
export function agentOptions(maxSockets = 50): { keepAlive: true; keepAliveMsecs: number; maxSockets: number } {
  return { keepAlive: true, keepAliveMsecs: 1000, maxSockets: Math.max(1, Math.floor(maxSockets)) };
}

/**
 * Connection and request timeouts from the invocation budget (issue 11 item 9: a PutItem to an
 * endpoint that never answered waited > 40 s). `requestTimeout` bounds one attempt up to the
 * response headers; attempts × (timeout + backoff) stays under ~80 % of the budget.
 */
export function clientTimeouts(budgetMs: number, maxAttempts: number): { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true } {
  const perAttempt = Math.floor((budgetMs * 0.8) / maxAttempts) - 2000; // minus the backoff cap
  // requestTimeout runs from sending to the response headers; without throwOnRequestTimeout the SDK only logs a warning.
  return {
    connectionTimeout: Math.min(3000, Math.max(200, Math.floor(perAttempt / 4))),
    requestTimeout: Math.max(500, perAttempt),
    throwOnRequestTimeout: true,
  };
}

type Instrument = <C extends object>(client: C) => C;
let instrument: Instrument = (client) => client;

/**
 * Wraps every client made from here on: the Lambda entries trace SDK calls with X-Ray
 * (functions/lib/lambda-store.ts) while `shared/` never imports the tracer.
 */
export function instrumentAwsClients(fn: Instrument): void {
  instrument = fn;
}

/** One region's shared client settings: the SDK's own AWS_ENDPOINT_URL[_<SERVICE>] variables pick the endpoints, so emulators need no code here. */
export interface ClientConfig {
  /** What each client's constructor takes (region, retries, timeouts, keep-alive agents). */
  common: {
    region: string;
    maxAttempts: number;
    retryStrategy: SkewlessRetryStrategy;
    requestHandler: ReturnType<typeof clientTimeouts> & { httpAgent: ReturnType<typeof agentOptions>; httpsAgent: ReturnType<typeof agentOptions> };
  };
  /** Path-style S3 addressing whenever an endpoint override is set (emulators do not serve virtual-hosted buckets). */
  forcePathStyle: boolean;
}

export function clientConfig(region: string, env: NodeJS.ProcessEnv = process.env, options: ClientOptions = {}): ClientConfig {
  const forcePathStyle = Boolean(env.AWS_ENDPOINT_URL || env.AWS_ENDPOINT_URL_S3);
  const budgetMs = options.budgetMs ?? (Number(env[ENV.functionTimeoutSeconds]) > 0 ? Number(env[ENV.functionTimeoutSeconds]) * 1000 : 30_000);
  const maxAttempts = options.maxAttempts ?? 4;
  // Explicit retries (retry-policy.ts): the same attempt budget for every call, no shared quota.
  const agent = agentOptions(options.maxSockets);
  const requestHandler = { ...clientTimeouts(budgetMs, maxAttempts), httpAgent: agent, httpsAgent: agent };
  return { common: { region, maxAttempts, retryStrategy: new SkewlessRetryStrategy({ maxAttempts }), requestHandler }, forcePathStyle };
}

/** A new client, wrapped as `instrumentAwsClients` asked. */
export function instrumented<C extends object>(client: C): C {
  return instrument(client);
}
