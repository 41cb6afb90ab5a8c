import { SkewlessError } from '../../shared/errors.js';
import type { ApiEvent } from './types.js';

/** Payload too large (413): bodies over the limit are refused before parsing. */
export class PayloadTooLargeError extends SkewlessError {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`, { code: 'PAYLOAD_TOO_LARGE', status: 413, details: { limit } });
  }
}

/** A JSON route called with another content type (415): browsers send text/plain and forms cross-site without a preflight. */
export class UnsupportedMediaTypeError extends SkewlessError {
  constructor(got: string) {
    super(`content-type must be application/json, got '${got.slice(0, 100)}'`, { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415, details: { issues: [{ field: 'content-type', message: 'expected application/json' }] } });
  }
}

/** Header lookup regardless of case (API Gateway keeps the caller's case; Node lower-cases). */
export function header(e: ApiEvent, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(e.headers ?? {})) if (k.toLowerCase() === want) return v;
  return undefined;
}

/** JSON or `+json` media types; an absent header is accepted (non-browser clients), anything else is not. */
export function assertJsonContentType(e: ApiEvent): void {
  const ct = header(e, 'content-type');
  if (ct === undefined || ct === '') return;
  const type = ct.split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]*\+json$/.test(type)) throw new UnsupportedMediaTypeError(ct);
}
