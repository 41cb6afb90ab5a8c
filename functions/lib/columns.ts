import { z } from 'zod';

/**
 * Feast's column-oriented maps (`df`, `entities`): `{ name: [values] }`. Unlike `z.record`, every own
 * key is kept — a `__proto__` column must be refused by name, not silently dropped — and the result
 * has no prototype, so user names never meet Object.prototype (issue 11 item 6).
 */
export function columnMap() {
  return z.unknown().transform((v, ctx) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object of columns: { "name": [values] }' });
      return z.NEVER;
    }
    const out = Object.create(null) as Record<string, unknown[]>;
    for (const k of Object.keys(v)) {
      const col = (v as Record<string, unknown>)[k];
      if (!Array.isArray(col)) {
        ctx.addIssue({ code: 'custom', message: `column '${k.slice(0, 64)}': expected an array of values`, path: [k] });
        return z.NEVER;
      }
      out[k] = col;
    }
    return out;
  });
}
