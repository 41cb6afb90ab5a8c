import { z } from 'zod';
import { SCALAR_DTYPES, toDType, type ScalarDType, type StringDType } from './dtypes.js';
import * as s from './schemas.js';
import { parseDefinition } from './validate.js';

const EntityOptions = z.strictObject({
  name: s.name,
  joinKeys: z.array(s.name).min(1).optional(),
  valueType: z
    .custom<Exclude<ScalarDType, 'Bytes'> | StringDType>(
      (v) => (SCALAR_DTYPES as readonly string[]).includes(toDType(v) ?? '') && toDType(v) !== 'Bytes',
      `expected one of ${SCALAR_DTYPES.filter((t) => t !== 'Bytes').join(', ')}`,
    )
    .transform((v) => toDType(v) as ScalarDType)
    .default('String'),
  ...s.common,
});
export type EntityOptions = z.input<typeof EntityOptions>;

/**
 * What features are about (a user, a device). Join keys default to `[name]`.
 * @example new Entity({ name: 'user_id', valueType: String })
 */
export class Entity {
  readonly kind = 'Entity' as const;
  readonly name: string;
  readonly joinKeys: readonly string[];
  readonly valueType: ScalarDType;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;
  constructor(options: EntityOptions) {
    const o = parseDefinition(EntityOptions, 'Entity', options);
    this.name = o.name;
    this.joinKeys = Object.freeze(o.joinKeys ?? [o.name]);
    this.valueType = o.valueType;
    this.description = o.description;
    this.tags = o.tags;
    this.owner = o.owner;
  }
}
