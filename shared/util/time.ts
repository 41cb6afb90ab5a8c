/** Epoch numbers below this are seconds, above it milliseconds (1e11 s is the year 5138). */
const SECONDS_CUTOFF = 1e11;

/**
 * Parses an instant: a Date, an RFC 3339 / ISO string (a naive one is UTC, per DESIGN §4), or an
 * epoch number (seconds, or milliseconds when ≥ 1e11). Returns undefined when it is none of these.
 */
export function parseInstant(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    return new Date(Math.abs(value) < SECONDS_CUTOFF ? value * 1000 : value);
  }
  if (typeof value === 'bigint') return parseInstant(Number(value));
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const s = value.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return undefined;
  const [, date, time = '00:00:00', zone] = m;
  const d = new Date(`${date}T${time}${zone ? (zone.toUpperCase() === 'Z' ? 'Z' : zone) : 'Z'}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}


/** The UTC calendar day of an instant, `YYYY-MM-DD` (the `dt` partition of the offline layout). */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
