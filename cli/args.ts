import { ValidationError } from '../shared/errors.js';
import { parseInstant } from '../shared/util/time.js';

/** A timestamp argument; `now` is accepted only when the caller passes a clock. */
export function instantArg(value: string, name: string, now?: () => Date): Date {
  if (value === 'now' && now) return now();
  const d = parseInstant(value);
  if (!d) throw new ValidationError(`${name}: expected an RFC 3339 timestamp like 2024-01-31T00:00:00Z, got '${value}'`, [{ field: name, message: 'expected a timestamp' }]);
  return d;
}

/** `--entity user_id=u1,u2 --entity other=x,y` → `{ user_id: ['u1','u2'], ... }` */
export function entityArgs(values: string[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const v of values) {
    const m = /^([^=]+)=(.*)$/.exec(v);
    if (!m) throw new ValidationError(`--entity: expected KEY=V1,V2, got '${v}'`, [{ field: 'entity', message: 'expected KEY=V1,V2' }]);
    out[m[1]] = m[2].split(',');
  }
  return out;
}

export function listArg(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}
