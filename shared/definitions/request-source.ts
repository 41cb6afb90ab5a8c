import { z } from 'zod';
import type { Field } from './field.js';
import * as s from './schemas.js';
import { parseDefinition } from './validate.js';

const RequestSourceOptions = z.strictObject({
  name: s.name,
  schema: z.array(z.custom<Field>((v) => (v as Field)?.kind === 'Field', 'expected a Field')).min(1),
  ...s.common,
});
export type RequestSourceOptions = z.input<typeof RequestSourceOptions>;

/**
 * Data that only exists at request time (e.g. the amount of a transaction being scored). Online it
 * comes with the entities of the request; offline it is a column of the entity rows.
 * @example new RequestSource({ name: 'request', schema: [new Field({ name: 'amount', dtype: Float64 })] })
 */
export class RequestSource {
  readonly kind = 'RequestSource' as const;
  readonly name: string;
  readonly schema: readonly Field[];
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;
  constructor(options: RequestSourceOptions) {
    const o = parseDefinition(RequestSourceOptions, 'RequestSource', options);
    this.name = o.name;
    this.schema = Object.freeze([...o.schema]);
    this.description = o.description;
    this.tags = o.tags;
    this.owner = o.owner;
  }
}
