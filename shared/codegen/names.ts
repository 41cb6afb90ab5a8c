import { ValidationError } from '../errors.js';

/** `churn_model` → `churnModel` (the client property), `ChurnModel` (type names), `churn-model` (the file). */
export function camelCase(name: string): string {
  const parts = name.split('_').filter(Boolean);
  const s = parts.map((p, i) => (i === 0 ? p[0].toLowerCase() + p.slice(1) : p[0].toUpperCase() + p.slice(1))).join('');
  return /^\d/.test(s) || !s ? `_${s}` : s;
}

export function pascalCase(name: string): string {
  const c = camelCase(name);
  return c[0] === '_' ? c : c[0].toUpperCase() + c.slice(1);
}

export function kebabCase(name: string): string {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/_+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'service'
  );
}

/** Names the generated code can not tell apart (`churn_model` and `churnModel`) are refused, naming both. */
export function assertDistinct(names: readonly string[], as: (n: string) => string, what: string): void {
  const seen = new Map<string, string>();
  for (const n of names) {
    const k = as(n).toLowerCase();
    const other = seen.get(k);
    if (other !== undefined)
      throw new ValidationError(`${what} '${other}' and '${n}' both become '${as(n)}' in generated code: rename one`, [
        { field: n, message: `clashes with '${other}'` },
      ]);
    seen.set(k, n);
  }
}

/** A property key as TypeScript needs it: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : `'${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
