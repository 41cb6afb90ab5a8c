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

/** Serializes any error for JSON transports; internals of non-skewless errors never leak. */
export function errorBody(err: unknown): { status: number; body: { error: { code: string; message: string; details?: unknown } } } {
  if (err instanceof SkewlessError) {
    return { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}
