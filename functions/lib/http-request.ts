import { UnsupportedMediaTypeError } from '../../shared/errors.js';
import type { ApiEvent } from './types.js';

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
