/**
 * The one timestamp parser of skewless (issue 11 item 3). Accepted:
 * - a valid `Date`;
 * - RFC 3339 text `YYYY-MM-DD[Tt ]hh:mm[:ss[.fff…]](Z|±hh:mm)`; a date alone or a time without zone
 *   is UTC (docs/semantics.md#time) unless the caller asks for a zone (`requireZone`, the push API does);
 * - an epoch number (or bigint) in the unit the caller declares (`epochUnit`, default seconds).
 * Calendar fields are checked, never rolled over: `2026-02-30`, `T24:00`, `:60` are refused; so are
 * instants outside years 0001–9999 (what RFC 3339 and Parquet both represent).
 */
export interface InstantOptions {
  /** Unit of epoch numbers (default `s`). */
  epochUnit?: 's' | 'ms';
  /** Refuse text without a zone designator (default false: naive text is UTC). */
  requireZone?: boolean;
}

export type InstantResult = { ok: true; date: Date } | { ok: false; message: string };

// Date.UTC maps years 0–99 to 1900–1999, so year 1 is set explicitly.
const MIN_MS = new Date(0).setUTCFullYear(1, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*([Zz]|[+-]\d{2}:?\d{2})?$/;

function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function inRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS;
}

/** Parses one instant, saying why when it cannot. */
export function parseInstantResult(value: unknown, options: InstantOptions = {}): InstantResult {
  const unit = options.epochUnit ?? 's';
  if (value instanceof Date)
    return inRange(value.getTime()) ? { ok: true, date: value } : { ok: false, message: 'expected a valid date between years 0001 and 9999' };
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    const ms = unit === 's' ? n * 1000 : n;
    if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, message: 'expected a finite epoch number' };
    if (!inRange(ms)) return { ok: false, message: `expected epoch ${unit === 's' ? 'seconds' : 'milliseconds'} between years 0001 and 9999` };
    return { ok: true, date: new Date(Math.round(ms)) };
  }
  if (typeof value !== 'string') return { ok: false, message: 'expected an RFC 3339 timestamp or an epoch number' };
  const m = RFC3339.exec(value.trim());
  if (!m) return { ok: false, message: 'expected an RFC 3339 timestamp like 2024-01-31T00:00:00Z' };
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '', zone] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  if (month < 1 || month > 12) return { ok: false, message: `month ${mo} does not exist` };
  if (day < 1 || day > daysIn(year, month)) return { ok: false, message: `day ${d} does not exist in ${y}-${mo}` };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, message: `time ${h}:${mi}:${s} does not exist (hours 00–23, minutes and seconds 00–59)` };
  if (!zone && options.requireZone) return { ok: false, message: 'expected a zone designator (Z or ±hh:mm)' };
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const [, sign, oh, om] = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
    if (Number(oh) > 23 || Number(om) > 59) return { ok: false, message: `zone offset ${zone} does not exist` };
    offsetMin = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, frac ? Math.floor(Number(`0${frac}`) * 1000) : 0);
  const ms = date.getTime() - offsetMin * 60_000;
  if (!inRange(ms)) return { ok: false, message: 'expected an instant between years 0001 and 9999' };
  return { ok: true, date: new Date(ms) };
}

/** `parseInstantResult` for callers that only need the date (undefined when invalid). */
export function parseInstant(value: unknown, options: InstantOptions = {}): Date | undefined {
  const r = parseInstantResult(value, options);
  return r.ok ? r.date : undefined;
}

/**
 * Refuses instants further in the future than `allowanceMs` past `now` (issue 11 items 1–2): one far-future
 * event would otherwise win newer-wins for good and pin the freshness watermark.
 */
export function futureIssue(date: Date, now: Date, allowanceMs: number): string | undefined {
  if (date.getTime() <= now.getTime() + allowanceMs) return undefined;
  return `${date.toISOString()} is in the future: more than ${Math.round(allowanceMs / 1000)} s past the store's clock (${now.toISOString()}); check the clock or the epoch unit`;
}

/** The UTC calendar day of an instant, `YYYY-MM-DD` (the `dt` partition of the offline layout). */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
