import type { z } from 'zod';
import { DefinitionError } from './errors.js';

/** Parses a definition's options, turning the first zod issue into a DefinitionError. */
export function parseDefinition<S extends z.ZodType>(schema: S, kind: string, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const name = typeof (input as { name?: unknown })?.name === 'string' ? (input as { name: string }).name : '<unnamed>';
  const issue = result.error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : '(options)';
  throw new DefinitionError(kind, name, field, issue.message);
}
