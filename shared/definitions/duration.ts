/** A duration as users write it: seconds, `'7d'`, `'90m'`, ISO 8601 `'PT26H'`, or `{ days: 7 }`. */
export type Duration = number | string | { days?: number; hours?: number; minutes?: number; seconds?: number };

const DURATION_KEYS = ['days', 'hours', 'minutes', 'seconds'];
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Returns whole seconds, or `undefined` when the input is not a duration. */
export function parseDurationSeconds(input: Duration): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined;
  if (typeof input === 'object' && input !== null) {
    // Only these keys: `{ weeks: 1 }` or `{ day: 7 }` must not silently mean 0 (unbounded).
    const keys = Object.keys(input);
    if (!keys.length || keys.some((k) => !DURATION_KEYS.includes(k)) || keys.some((k) => typeof (input as Record<string, unknown>)[k] !== 'number'))
      return undefined;
    const { days = 0, hours = 0, minutes = 0, seconds = 0 } = input;
    const total = days * 86400 + hours * 3600 + minutes * 60 + seconds;
    return Number.isFinite(total) && total >= 0 ? Math.round(total) : undefined;
  }
  if (typeof input !== 'string') return undefined;
  const short = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(input.trim());
  if (short) return Math.round(Number(short[1]) * UNIT_SECONDS[short[2].toLowerCase()]);
  const iso = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(input.trim());
  if (iso && input.trim().length > 1 && !/T$/i.test(input.trim())) {
    const [, d = '0', h = '0', m = '0', s = '0'] = iso;
    return Math.round(Number(d) * 86400 + Number(h) * 3600 + Number(m) * 60 + Number(s));
  }
  return undefined;
}
