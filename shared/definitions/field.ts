import { z } from 'zod';
import type { DType } from './dtypes.js';
import * as s from './schemas.js';
import { parseDefinition } from './validate.js';

const FieldOptions = z.strictObject({ name: s.name, dtype: s.dtype, description: z.string().default(''), tags: s.tags });
export type FieldOptions = z.input<typeof FieldOptions>;

/**
 * One typed feature column of a view.
 * @example new Field({ name: 'sessions_7d', dtype: Int64 })
 */
export class Field {
  readonly kind = 'Field' as const;
  readonly name: string;
  readonly dtype: DType;
  readonly description: string;
  readonly tags: Record<string, string>;
  constructor(options: FieldOptions) {
    const o = parseDefinition(FieldOptions, 'Field', options);
    this.name = o.name;
    this.dtype = o.dtype;
    this.description = o.description;
    this.tags = o.tags;
  }
}
