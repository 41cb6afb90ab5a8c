/**
 * Base of every error skewless raises on purpose. `code` is stable and machine-readable;
 * `status` is the HTTP status an entry point should answer with (4xx = caller's fault).
 * `details` carries the field / row the error concerns so callers can point at it.
 */
export class SkewlessError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;

  constructor(message: string, opts: { code: string; status: number; details?: unknown; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code;
    this.status = opts.status;
    this.details = opts.details;
  }
}

/** One problem in one input row: which row, which field, what was expected. */
export interface FieldIssue {
  row?: number;
  field: string;
  message: string;
}

/** Input that does not fit the schema (400 / CLI exit 1). */
export class ValidationError extends SkewlessError {
  readonly issues: FieldIssue[];
  constructor(message: string, issues: FieldIssue[] = []) {
    super(message, { code: 'VALIDATION_ERROR', status: 400, details: { issues } });
    this.issues = issues;
  }
}

/** A referenced object (view, feature, service, source) does not exist (404). */
export class NotFoundError extends SkewlessError {
  constructor(kind: string, name: string, hint?: string) {
    super(`${kind} '${name}' not found${hint ? `: ${hint}` : ''}`, { code: 'NOT_FOUND', status: 404, details: { kind, name } });
  }
}

/** A request that conflicts with the current state, e.g. a breaking change on a live version (409). */
export class ConflictError extends SkewlessError {
  constructor(message: string, details?: unknown) {
    super(message, { code: 'CONFLICT', status: 409, details });
  }
}

/** Payload or request too large for the route's limits (413), naming the field and the limit. */
export class LimitExceededError extends SkewlessError {
  constructor(field: string, message: string, limit: number) {
    super(message, { code: 'LIMIT_EXCEEDED', status: 413, details: { issues: [{ field, message: `at most ${limit}` }], limit } });
  }
}

/**
 * A dependency failed or timed out (503): the caller may retry after `retryAfterSeconds`. The
 * message says what was and was not written, so a retry is an informed decision.
 */
export class ServiceUnavailableError extends SkewlessError {
  readonly retryAfterSeconds: number;
  constructor(message: string, opts: { code?: string; details?: unknown; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { code: opts.code ?? 'SERVICE_UNAVAILABLE', status: 503, details: opts.details, cause: opts.cause });
    this.retryAfterSeconds = opts.retryAfterSeconds ?? 1;
  }
}

/** An online write that stopped part-way: `written` rows were applied (or found newer), `unwritten` were not attempted or failed. */
export class OnlineWriteIncompleteError extends ServiceUnavailableError {
  constructor(readonly view: string, readonly written: number, readonly unwritten: number, cause: unknown) {
    super(`online store: write of ${view} stopped after ${written} of ${written + unwritten} rows: ${describeCause(cause)}`, {
      code: 'ONLINE_WRITE_INCOMPLETE',
      details: { view, written, unwritten },
      cause,
    });
  }
}

function describeCause(err: unknown): string {
  const e = err as { name?: string; message?: string } | undefined;
  return `${e?.name ?? 'Error'}${e?.message ? `: ${String(e.message).slice(0, 200)}` : ''}`;
}

/**
 * AWS SDK / network failures that a later retry may get past (throttling, 5xx, timeouts, resets):
 * answered as 503 + Retry-After rather than 500, since the caller did nothing wrong.
 */
export function isTransientDependencyError(err: unknown): boolean {
  const e = err as { name?: string; code?: string; $fault?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  if (!e || typeof e !== 'object') return false;
  if (e.$retryable || e.$fault === 'server') return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  const name = e.name ?? '';
  if (/Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|TimeoutError|RequestTimeout|ServiceUnavailable|InternalServerError|TransactionConflict/.test(name)) return true;
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND'].includes(e.code ?? '');
}

/** Serializes any error for JSON transports; internals of non-skewless errors never leak. */
export function errorBody(err: unknown): { status: number; body: { error: { code: string; message: string; details?: unknown } }; headers?: Record<string, string> } {
  if (err instanceof ServiceUnavailableError) {
    return { status: 503, body: { error: { code: err.code, message: err.message, details: err.details } }, headers: { 'retry-after': String(err.retryAfterSeconds) } };
  }
  if (err instanceof SkewlessError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  if (isTransientDependencyError(err)) {
    return { status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'a dependency is unavailable or timed out; retry later' } }, headers: { 'retry-after': '1' } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}
