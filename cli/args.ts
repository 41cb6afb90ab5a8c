import { ValidationError } from '../shared/errors.js';
import { parseInstant } from '../shared/util/time.js';

/** A timestamp argument; `now` is accepted only when the caller passes a clock. */
export function instantArg(value: string, name: string, now?: () => Date): Date {
  if (value === 'now' && now) return now();
  const d = parseInstant(value);
  if (!d)
    throw new ValidationError(`${name}: expected an RFC 3339 timestamp like 2024-01-31T00:00:00Z, got '${value}'`, [
      { field: name, message: 'expected a timestamp' },
    ]);
  return d;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** One command-line word as a value of `dtype`, or a reason it is not one. */
function typedValue(text: string, dtype: string | undefined): { value: unknown } | { expected: string } {
  switch (dtype) {
    case 'Int32':
    case 'Int64':
    case 'UnixTimestamp': {
      // Integers beyond 2^53 stay text so no digit is lost (join keys compare canonically).
      if (!INTEGER.test(text)) return { expected: `an integer (${dtype})` };
      const n = Number(text);
      return { value: Number.isSafeInteger(n) ? n : text };
    }
    case 'Float32':
    case 'Float64':
      return NUMBER.test(text) ? { value: Number(text) } : { expected: `a number (${dtype})` };
    case 'Bool':
      return /^(true|false)$/i.test(text) ? { value: text.toLowerCase() === 'true' } : { expected: 'true or false (Bool)' };
    default:
      return { value: text };
  }
}

/**
 * `--entity user_id=u1,u2 --entity distance_km=10,3.5` → `{ user_id: ['u1','u2'], distance_km: [10, 3.5] }`:
 * each value parsed by the declared type of its join key or request field (`types`); undeclared keys stay text.
 */
export function entityArgs(values: string[], types: Record<string, string> = {}): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const issues: { row: number; field: string; message: string }[] = [];
  for (const v of values) {
    const m = /^([^=]+)=(.*)$/.exec(v);
    if (!m) throw new ValidationError(`--entity: expected KEY=V1,V2, got '${v}'`, [{ field: 'entity', message: 'expected KEY=V1,V2' }]);
    const [, key, list] = m;
    out[key] = list.split(',').map((text, row) => {
      const r = typedValue(text, types[key]);
      if ('expected' in r) issues.push({ row, field: key, message: `expected ${r.expected}, got '${text}'` });
      return 'value' in r ? r.value : text;
    });
  }
  if (issues.length) throw new ValidationError(`--entity ${issues[0].field}: row ${issues[0].row}: ${issues[0].message}`, issues);
  return out;
}

export function listArg(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}
