import { UnsupportedMediaTypeError } from '../../shared/errors.js';
import type { ApiEvent } from './types.js';

/** Header lookup regardless of case (API Gateway keeps the caller's case; Node lower-cases). */
export function header(e: ApiEvent, name: string): string | undefined {
  const headers = e.headers ?? {};
  const want = name.toLowerCase();
  // Node's (serve's) names are lower-case already: most lookups end here, with no copy of the headers.
  if (Object.hasOwn(headers, want)) return headers[want];
  for (const k in headers) if (Object.hasOwn(headers, k) && k.toLowerCase() === want) return headers[k];
  return undefined;
}

/** JSON or `+json` media types; an absent header is accepted (non-browser clients), anything else is not. */
export function assertJsonContentType(e: ApiEvent): void {
  assertJsonMediaType(header(e, 'content-type'));
}

/** The same check on a Content-Type value (`serve` reads it from the request itself). */
export function assertJsonMediaType(ct: string | undefined): void {
  if (ct === undefined || ct === '') return;
  const type = ct.split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]*\+json$/.test(type)) throw new UnsupportedMediaTypeError(ct);
}
