import { describe, expect, it } from 'vitest';
import { intervalSeconds, quoteIdentifier, quoteString } from '../../shared/offline/sql/quote.js';

describe('Module: quote', () => {
  it('quotes identifiers of 1 to 255 characters, doubling quotes, and refuses empty, longer or NUL-bearing ones', () => {
    expect(quoteIdentifier('a')).toBe('"a"');
    expect(quoteIdentifier('x'.repeat(255))).toBe(`"${'x'.repeat(255)}"`);
    expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(() => quoteIdentifier('x'.repeat(256))).toThrow(/unsafe SQL identifier/);
    expect(() => quoteIdentifier('')).toThrow(/unsafe SQL identifier/);
    expect(() => quoteIdentifier('a\0b')).toThrow(/unsafe SQL identifier/);
    expect(() => quoteIdentifier(7 as unknown as string)).toThrow(/unsafe SQL identifier/);
  });

  it('quotes string literals by doubling single quotes, and refuses NUL', () => {
    expect(quoteString("it's")).toBe("'it''s'");
    expect(quoteString('')).toBe("''");
    expect(quoteString('back\\slash')).toBe("'back\\slash'");
    expect(() => quoteString('a\0')).toThrow(/unsafe SQL string literal/);
    expect(() => quoteString(1 as unknown as string)).toThrow(/unsafe SQL string literal/);
  });

  it('renders whole non-negative seconds as an interval and refuses anything else', () => {
    expect(intervalSeconds(0)).toBe("INTERVAL '0' SECOND");
    expect(intervalSeconds(604800)).toBe("INTERVAL '604800' SECOND");
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 60]) expect(() => intervalSeconds(bad)).toThrow(/invalid interval/);
  });
});
