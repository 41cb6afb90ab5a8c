import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { InternalError } from '../errors.js';

/**
 * The retry policy of every skewless AWS client (issue 11 item 10), explicit instead of the SDK default.
 *
 * Why the default stopped retrying at 50 % faults: the SDK's standard and adaptive strategies share
 * one retry quota per client — a token bucket of 500 that each retry draws 5 from (10 after a
 * timeout) and a success without retry refills by 1. A push runs 16 puts in flight on one client; at
 * 50 % faults the bucket empties after ~100 retries and every later failure is thrown on its first
 * attempt (`attempts: 1`, "No retry token available"). The bucket guards long-lived multi-tenant
 * clients against retry storms; a skewless client serves one Lambda invocation (or one CLI run)
 * whose total time is already bounded by the function timeout (see `clientTimeouts`).
 *
 * So here: every call gets the same budget of `maxAttempts`, whatever the other calls did; retried
 * are throttling, transient (network, timeouts) and 5xx errors — never client errors; the delay is
 * full-jitter exponential (base 100 ms, 500 ms after throttling, capped at `maxDelayMs`), at least a
 * server's Retry-After hint when it is within the cap.
 */
export interface RetryPolicyOptions {
  /** Attempts per call, the first included (default 4). */
  maxAttempts?: number;
  /** Cap of one backoff delay (default 2000 ms). */
  maxDelayMs?: number;
  /** Random source for the jitter (tests pass a seeded one). */
  random?: () => number;
}

class Token implements RetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  getRetryDelay(): number {
    return this.delay;
  }
}

export class SkewlessRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';
  readonly maxAttempts: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;

  constructor(o: RetryPolicyOptions = {}) {
    this.maxAttempts = Math.max(1, o.maxAttempts ?? 4);
    this.maxDelayMs = o.maxDelayMs ?? 2000;
    this.random = o.random ?? Math.random;
  }

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return new Token(0, 0);
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const next = token.getRetryCount() + 1;
    if (info.errorType === 'CLIENT_ERROR' || next >= this.maxAttempts) throw info.error ?? new InternalError('not retried');
    const base = info.errorType === 'THROTTLING' ? 500 : 100;
    let delay = this.random() * Math.min(this.maxDelayMs, base * 2 ** (next - 1));
    const hint = info.retryAfterHint instanceof Date ? info.retryAfterHint.getTime() - Date.now() : 0;
    if (hint > delay) delay = Math.min(hint, this.maxDelayMs);
    return new Token(next, Math.round(delay));
  }

  recordSuccess(): void {
    // No shared quota: nothing to refill.
  }
}
