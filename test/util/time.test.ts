import { describe, expect, it } from 'vitest';
import { preview } from '../../shared/util/preview.js';
import { futureIssue, parseInstantResult } from '../../shared/util/time.js';

const ok = (v: unknown, o = {}) => {
  const r = parseInstantResult(v, o);
  return r.ok ? r.date.toISOString() : `refused: ${r.message}`;
};

describe('Function: parseInstantResult — one strict parser (issue 11 item 3)', () => {
  it.each([
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
    ['2024-03-10T11:00:00.123456789Z', '2024-03-10T11:00:00.123Z'],
    ['2024-03-10t11:00:00z', '2024-03-10T11:00:00.000Z'],
    ['2024-03-10T13:00:00+02:00', '2024-03-10T11:00:00.000Z'],
    ['2024-03-10 11:00:00-0130', '2024-03-10T12:30:00.000Z'],
    ['2024-03-10', '2024-03-10T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    [1710068400, '2024-03-10T11:00:00.000Z'],
    [1710068400n, '2024-03-10T11:00:00.000Z'],
  ])('reads %s as %s', (input, iso) => expect(ok(input)).toBe(iso));

  it.each([
    ['2026-02-30T00:00:00Z', /day 30 does not exist/],
    ['2023-02-29T00:00:00Z', /day 29 does not exist/],
    ['2024-03-10T24:00:00Z', /does not exist/],
    ['2024-03-10T23:60:00Z', /does not exist/],
    ['2024-03-10T23:59:60Z', /does not exist/],
    ['2024-00-10T00:00:00Z', /month 00/],
    ['2024-03-10T11:00:00+24:00', /zone offset/],
    ['10/03/2024', /RFC 3339/],
    ['', /RFC 3339/],
    // biome-ignore lint/correctness/noPrecisionLoss: a JSON number past 2^64 is the input under test
    [18446744073709551616, /between years/],
    [Number.NaN, /finite/],
    [true, /RFC 3339/],
    [{}, /RFC 3339/],
  ])('refuses %s', (input, message) => expect(ok(input)).toMatch(message));

  it('reads epoch numbers in the declared unit and refuses naive text when a zone is required', () => {
    expect(ok(1710068400000, { epochUnit: 'ms' })).toBe('2024-03-10T11:00:00.000Z');
    expect(ok(1710068400000)).toMatch(/refused: expected epoch seconds/);
    expect(ok('2024-03-10T11:00:00', { requireZone: true })).toMatch(/zone designator/);
  });

  it('measures the future against the given clock and allowance', () => {
    const now = new Date('2024-03-10T12:00:00Z');
    expect(futureIssue(new Date('2024-03-10T12:05:00Z'), now, 300_000)).toBeUndefined();
    expect(futureIssue(new Date('2024-03-10T12:05:01Z'), now, 300_000)).toMatch(/in the future: more than 300 s/);
  });
});

describe('Function: preview — bounded quoting (issue 11 item 7)', () => {
  it('bounds depth and length and never throws', () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(preview(deep)).toBe('[[[[…]]]]');
    expect(preview('x'.repeat(1_000_000))).toMatch(/^"x{80}…" \(1000000 chars\)$/);
    expect(preview(Array.from({ length: 100_000 }, (_, i) => i)).length).toBeLessThan(130);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(preview(cyclic)).toBe('{"self":{"self":{"self":{…}}}}');
  });
});
