import type { z } from 'zod';
import { DefinitionError } from '../errors.js';

/** The shape of the (nested) object schema at `path`, to list the options it accepts. */
function schemaShape(schema: z.ZodType, path: PropertyKey[]): Record<string, unknown> | undefined {
  let node: unknown = schema;
  const unwrap = (n: unknown): unknown => {
    const def = (n as { def?: { type?: string; innerType?: unknown; in?: unknown; schema?: unknown } })?.def;
    if (!def) return n;
    if (def.innerType) return unwrap(def.innerType);
    if (def.type === 'pipe' && def.in) return unwrap(def.in);
    return n;
  };
  for (const key of [...path, undefined]) {
    node = unwrap(node);
    const shape = (node as { shape?: Record<string, unknown> })?.shape;
    if (key === undefined) return shape;
    node = shape?.[key as string];
  }
  return undefined;
}

/** Parses a definition's options, turning the first zod issue into a DefinitionError. */
export function parseDefinition<S extends z.ZodType>(schema: S, kind: string, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const name = typeof (input as { name?: unknown })?.name === 'string' ? (input as { name: string }).name : '<unnamed>';
  const issue = result.error.issues[0];
  const at = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    // A misspelt option must not be silently dropped (it would fall back to a default).
    const keys = issue.keys.map((k) => (at ? `${at}.${k}` : k));
    const known = Object.keys((schemaShape(schema, issue.path) ?? {}) as object);
    throw new DefinitionError(
      kind,
      name,
      keys.join(', '),
      `unknown option${keys.length > 1 ? 's' : ''}${known.length ? `; expected one of ${known.join(', ')}` : ''}`,
    );
  }
  throw new DefinitionError(kind, name, at || '(options)', issue.message);
}
