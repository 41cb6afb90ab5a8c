/**
 * The one home of skewless errors (docs/errors.md): every error class and every machine-readable
 * code. Dependency-free on purpose — every layer (definitions, stores, services, handlers, CLI,
 * infra) imports from here and nothing here imports back.
 */

/**
 * Every `code` an error or an error body can carry. A new code is added here and to the table in
 * docs/errors.md (test/errors.test.ts checks both, and that every class maps to one of these).
 */
export const ERROR_CODES = [
  'VALIDATION_ERROR',
  'DEFINITION_ERROR',
  'NOT_FOUND',
  'CONFLICT',
  'LIMIT_EXCEEDED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'UNAUTHORIZED',
  'HOST_NOT_ALLOWED',
  'ORIGIN_NOT_ALLOWED',
  'UNSUPPORTED',
  'TRANSFORMATION_ERROR',
  'TRANSFORMATION_DRIFT',
  'SCHEMA_MISMATCH',
  'REGISTRY_CONFLICT',
  'SOURCE_FILE_MISSING',
  'MATERIALIZATION_INCOMPLETE',
  'ATHENA_QUERY_FAILED',
  'ATHENA_TIMEOUT',
  'SERVICE_UNAVAILABLE',
  'ONLINE_STORE_UNAVAILABLE',
  'ONLINE_WRITE_INCOMPLETE',
  'PUSH_INCOMPLETE',
  'PUSH_FAILED',
  'CONFIGURATION_ERROR',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Base of every error skewless raises on purpose. `code` is stable and machine-readable;
 * `status` is the HTTP status an entry point should answer with (4xx = caller's fault).
 * `details` carries the field / row the error concerns so callers can point at it.
 */
export class SkewlessError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(message: string, opts: { code: ErrorCode; status: number; details?: unknown; cause?: unknown }) {
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
  constructor(message: string, opts: { code?: ErrorCode; details?: unknown; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { code: opts.code ?? 'SERVICE_UNAVAILABLE', status: 503, details: opts.details, cause: opts.cause });
    this.retryAfterSeconds = opts.retryAfterSeconds ?? 1;
  }
}

/** An online write that stopped part-way: `written` rows were applied (or found newer), `unwritten` were not attempted or failed. */
export class OnlineWriteIncompleteError extends ServiceUnavailableError {
  constructor(
    readonly view: string,
    readonly written: number,
    readonly unwritten: number,
    cause: unknown,
  ) {
    super(`online store: write of ${view} stopped after ${written} of ${written + unwritten} rows: ${describeCause(cause)}`, {
      code: 'ONLINE_WRITE_INCOMPLETE',
      details: { view, written, unwritten },
      cause,
    });
  }
}

/** A feature definition that is not valid; names the object and the field. */
export class DefinitionError extends SkewlessError {
  constructor(objectKind: string, objectName: string, field: string, message: string) {
    super(`${objectKind} '${objectName}': ${field}: ${message}`, {
      code: 'DEFINITION_ERROR',
      status: 400,
      details: { object: objectKind, name: objectName, field },
    });
  }
}

/** An operation this provider, engine or dialect does not offer (400): the caller asked for something unavailable here. */
export class UnsupportedError extends SkewlessError {
  constructor(message: string, details?: unknown) {
    super(message, { code: 'UNSUPPORTED', status: 400, details });
  }
}

/**
 * The deployment is misconfigured (500: the operator's fault, not the caller's) — an environment
 * variable a Lambda needs is not set, CDK construct props are invalid, a stack lacks an output.
 * The message names what is missing so the operator can fix it.
 */
export class ConfigurationError extends SkewlessError {
  constructor(message: string, details?: unknown) {
    super(message, { code: 'CONFIGURATION_ERROR', status: 500, details });
  }
}

/** An internal invariant does not hold (500): a bug in skewless, never the caller's input. */
export class InternalError extends SkewlessError {
  constructor(message: string, details?: unknown) {
    super(message, { code: 'INTERNAL', status: 500, details });
  }
}

/** Payload too large (413): bodies over the limit are refused before parsing. */
export class PayloadTooLargeError extends SkewlessError {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`, { code: 'PAYLOAD_TOO_LARGE', status: 413, details: { limit } });
  }
}

/** A JSON route called with another content type (415): browsers send text/plain and forms cross-site without a preflight. */
export class UnsupportedMediaTypeError extends SkewlessError {
  constructor(got: string) {
    super(`content-type must be application/json, got '${got.slice(0, 100)}'`, {
      code: 'UNSUPPORTED_MEDIA_TYPE',
      status: 415,
      details: { issues: [{ field: 'content-type', message: 'expected application/json' }] },
    });
  }
}

/** A route called with the wrong method (405). */
export class MethodNotAllowedError extends SkewlessError {
  constructor(method: string, path: string, allowed: string) {
    super(`${method} not allowed on ${path}; use ${allowed}`, { code: 'METHOD_NOT_ALLOWED', status: 405 });
  }
}

/** The local server refused the request: wrong Host or Origin (403) or a missing / wrong bearer token (401). */
export class ForbiddenError extends SkewlessError {
  constructor(code: 'HOST_NOT_ALLOWED' | 'ORIGIN_NOT_ALLOWED' | 'UNAUTHORIZED', message: string, field: string) {
    super(message, { code, status: code === 'UNAUTHORIZED' ? 401 : 403, details: { issues: [{ field, message }] } });
  }
}

/** The transformation failed or returned something that does not fit its declared schema (422). */
export class TransformationError extends SkewlessError {
  constructor(view: string, message: string, details?: unknown) {
    super(`on demand feature view '${view}': ${message}`, { code: 'TRANSFORMATION_ERROR', status: 422, details: { view, ...(details as object) } });
  }
}

/** The code loaded in this process is not the code that was applied (409): skew by deployment drift. */
export class TransformationDriftError extends SkewlessError {
  constructor(view: string, applied: string, loaded?: string) {
    super(
      loaded
        ? `on demand feature view '${view}': loaded code (hash ${loaded}) differs from the applied code (hash ${applied}); apply or redeploy so training and serving run the same function`
        : `on demand feature view '${view}': its code is not loaded in this process (applied hash ${applied})`,
      { code: 'TRANSFORMATION_DRIFT', status: 409, details: { view, applied, loaded } },
    );
  }
}

/**
 * A generated client's schema hash (`x-skewless-schema-hash`) is not the deployed service's (409):
 * the service changed since the client was built. `details.deployed` carries the deployed columns
 * so the client can say what changed.
 */
export class SchemaMismatchError extends SkewlessError {
  constructor(service: string, expected: string, deployed: { hash: string; summary: string; schema: unknown }) {
    super(
      `feature service '${service}' no longer matches the client's schema (client hash ${expected}, deployed hash ${deployed.hash}): deployed it is ${deployed.summary}; regenerate the client with \`skewless codegen\``,
      { code: 'SCHEMA_MISMATCH', status: 409, details: { service, expected, actual: deployed.hash, deployed: deployed.schema } },
    );
  }
}

/** Too many concurrent writers: the update could not be committed within the retry budget. */
export class RegistryConflictError extends SkewlessError {
  constructor(location: string, attempts: number) {
    super(`registry ${location}: gave up after ${attempts} conflicting concurrent updates`, { code: 'REGISTRY_CONFLICT', status: 409 });
  }
}

/** A planned source file is gone (compacted or deleted since planning): the run must be re-planned. */
export class SourceFileMissingError extends SkewlessError {
  constructor(readonly path: string) {
    super(`materialization source file ${path} no longer exists; the run is re-planned`, { code: 'SOURCE_FILE_MISSING', status: 409 });
  }
}

/** Finish was asked for a run whose chunks are not all checkpointed (`runId` and chunk count of the run). */
export class IncompleteRunError extends SkewlessError {
  constructor(run: { runId: string; chunks: readonly unknown[] }, missing: number[]) {
    super(`materialization ${run.runId}: ${missing.length} of ${run.chunks.length} chunks not written yet (first: ${missing[0]})`, {
      code: 'MATERIALIZATION_INCOMPLETE',
      status: 409,
      details: { missing: missing.slice(0, 20) },
    });
  }
}

/** An Athena query that failed or was cancelled; carries Athena's StateChangeReason. */
export class AthenaQueryError extends SkewlessError {
  constructor(queryId: string, state: string, reason: string | undefined) {
    super(`Athena query ${queryId} ${state}: ${reason ?? 'no reason given'}`, {
      code: 'ATHENA_QUERY_FAILED',
      status: 502,
      details: { queryId, state, reason },
    });
  }
}

/** An Athena query that ran past its time budget and was stopped (504). */
export class AthenaTimeoutError extends SkewlessError {
  constructor(queryId: string, ms: number) {
    super(`Athena query ${queryId} did not finish within ${ms} ms and was stopped`, { code: 'ATHENA_TIMEOUT', status: 504, details: { queryId } });
  }
}

/** Items DynamoDB would not process even after the retry budget. */
export class OnlineStoreUnavailableError extends ServiceUnavailableError {
  constructor(what: string) {
    super(`online store: ${what}`, { code: 'ONLINE_STORE_UNAVAILABLE' });
  }
}

/** A push that wrote part of what it should: what was written where, and that a retry is safe. */
export class PushIncompleteError extends ServiceUnavailableError {
  constructor(
    message: string,
    details: { offline: string; online: { view: string; status: 'written' | 'partial' | 'not attempted'; written?: number; unwritten?: number }[] },
    cause: unknown,
  ) {
    super(message, {
      code: 'PUSH_INCOMPLETE',
      details: { ...details, retry: 'safe: online writes are newer-wins and idempotent; re-send the same request' },
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
  if (
    /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|TimeoutError|RequestTimeout|ServiceUnavailable|InternalServerError|TransactionConflict/.test(
      name,
    )
  )
    return true;
  return ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND'].includes(e.code ?? '');
}

/** Serializes any error for JSON transports; internals of non-skewless errors never leak. */
export function errorBody(err: unknown): {
  status: number;
  body: { error: { code: ErrorCode; message: string; details?: unknown } };
  headers?: Record<string, string>;
} {
  if (err instanceof ServiceUnavailableError) {
    return {
      status: 503,
      body: { error: { code: err.code, message: err.message, details: err.details } },
      headers: { 'retry-after': String(err.retryAfterSeconds) },
    };
  }
  if (err instanceof SkewlessError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  if (isTransientDependencyError(err)) {
    return {
      status: 503,
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'a dependency is unavailable or timed out; retry later' } },
      headers: { 'retry-after': '1' },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}
