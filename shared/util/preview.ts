/**
 * A bounded, never-throwing rendering of a caller's value for error messages (issue 11 item 7): at
 * most `maxChars` characters and `maxDepth` levels, so a 10,000-level JSON value or a 6 MB string
 * cannot overflow the stack or blow up the size of the error.
 * @example preview('x'.repeat(1e6)) // '"xxxx…" (1000002 chars)'
 */
export function preview(value: unknown, maxChars = 80, maxDepth = 3): string {
  let out = '';
  const full = () => out.length >= maxChars;
  const emit = (s: string) => {
    out += s;
  };
  const walk = (v: unknown, depth: number): void => {
    if (full()) return;
    if (v === undefined) return emit('undefined');
    if (v === null || typeof v === 'number' || typeof v === 'boolean') return emit(String(v));
    if (typeof v === 'bigint') return emit(v.toString());
    if (typeof v === 'string') {
      const s = JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v);
      return emit(v.length > maxChars ? `${s.slice(0, -1)}…" (${v.length} chars)` : s);
    }
    if (v instanceof Date) return emit(Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString());
    if (typeof v !== 'object') return emit(typeof v);
    if (depth >= maxDepth) return emit(Array.isArray(v) ? '[…]' : '{…}');
    if (Array.isArray(v)) {
      emit('[');
      for (let i = 0; i < v.length && !full(); i++) i && emit(','), walk(v[i], depth + 1);
      return emit(full() && v.length > 1 ? '…]' : ']');
    }
    emit('{');
    let i = 0;
    for (const k of Object.keys(v)) {
      if (full()) break;
      if (i++) emit(',');
      emit(`${JSON.stringify(k.length > 40 ? `${k.slice(0, 40)}…` : k)}:`);
      walk((v as Record<string, unknown>)[k], depth + 1);
    }
    emit('}');
  };
  try {
    walk(value, 0);
  } catch {
    return '(unprintable value)';
  }
  return out.length > maxChars + 40 ? `${out.slice(0, maxChars)}…` : out;
}
