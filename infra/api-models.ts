import type { JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';

/** Keys whose value is a map of user-chosen names to schemas (their keys are not keywords). */
const NAMED_CHILDREN = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);
/** JSON Schema keywords CDK spells without `$` (it adds it back when it renders the model). */
const CDK_NAMES: Record<string, string> = { $schema: 'schema', $ref: 'ref' };

function toCdk(value: unknown, named = false): unknown {
  if (Array.isArray(value)) return value.map((v) => toCdk(v));
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (named) out[k] = toCdk(v);
    else out[CDK_NAMES[k] ?? k] = toCdk(v, NAMED_CHILDREN.has(k));
  }
  return out;
}

/**
 * An API Gateway request model from a handler's zod schema (shared/http/schemas.ts): API Gateway
 * validates bodies against JSON Schema draft 4, which zod emits itself (`target: 'draft-4'`, as the
 * client sends it: `io: 'input'`); refinements done in code (column lengths, instants) stay the
 * handler's, so the model is only ever looser than the handler, never stricter.
 */
export function apiGatewayModelSchema(schema: z.ZodType, title: string): JsonSchema {
  const draft4 = z.toJSONSchema(schema, { target: 'draft-4', io: 'input', unrepresentable: 'any' });
  return { ...(toCdk(draft4) as JsonSchema), title };
}
