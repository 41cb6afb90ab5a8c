import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FeatureView, FeatureViewProjection } from './feature-view.js';
import type { Field } from './field.js';
import type { RequestSource } from './request-source.js';
import * as s from './schemas.js';
import { parseDefinition } from './validate.js';

/** Columns in, columns out: `{ feature: [v0, v1, ...] }`. One call per batch of rows (vectorized). */
export type Columns = Record<string, unknown[]>;
export type OnDemandTransform = (inputs: Columns) => Columns;

const OnDemandOptions = z
  .strictObject({
    name: s.name,
    sources: z
      .array(
        z.custom<FeatureView | FeatureViewProjection | RequestSource>(
          (v) => ['FeatureView', 'FeatureViewProjection', 'RequestSource'].includes((v as FeatureView)?.kind),
          'expected a FeatureView, view.select(...) or a RequestSource',
        ),
      )
      .min(1),
    schema: z.array(z.custom<Field>((v) => (v as Field)?.kind === 'Field', 'expected a Field')).min(1),
    transform: z.custom<OnDemandTransform>((v) => typeof v === 'function', 'expected a function (inputs) => outputs'),
    ...s.common,
  })
  .superRefine((o, ctx) => {
    const seen = new Map<string, string>();
    for (const src of o.sources) {
      const [owner, names] =
        src.kind === 'FeatureView'
          ? [src.name, src.schema.map((f) => f.name)]
          : src.kind === 'FeatureViewProjection'
            ? [src.view.name, [...src.features]]
            : [src.name, src.schema.map((f) => f.name)];
      for (const n of names) {
        if (seen.has(n)) ctx.addIssue({ code: 'custom', path: ['sources'], message: `input '${n}' comes from both ${seen.get(n)} and ${owner}; select one` });
        seen.set(n, owner);
      }
    }
  });
export type OnDemandFeatureViewOptions = z.input<typeof OnDemandOptions>;

export interface OnDemandInput {
  kind: 'view' | 'request';
  /** View or request source name. */
  name: string;
  version?: number;
  features: { name: string; dtype: Field['dtype'] }[];
}

/** A hash of the transformation's code, so serving can refuse code that differs from what was applied. */
export function transformHash(fn: OnDemandTransform): string {
  return createHash('sha256').update(fn.toString().replace(/\s+/g, ' ').trim()).digest('hex').slice(0, 16);
}

/**
 * Features computed at request time from other features and request data by one TypeScript
 * function. The same function object runs after the PIT join (training) and inside online lookup
 * (serving), so the two cannot compute differently.
 * @example
 * new OnDemandFeatureView({ name: 'user_ratios', sources: [userActivity],
 *   schema: [new Field({ name: 'tokens_per_message', dtype: Float64 })],
 *   transform: (c) => ({ tokens_per_message: c.total_tokens_7d.map((t, i) => ...) }) })
 */
export class OnDemandFeatureView {
  readonly kind = 'OnDemandFeatureView' as const;
  readonly name: string;
  readonly inputs: readonly OnDemandInput[];
  readonly schema: readonly Field[];
  readonly transform: OnDemandTransform;
  readonly codeHash: string;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;
  /** The view objects it reads, so a repo need not export them separately. */
  readonly views: readonly FeatureView[];
  constructor(options: OnDemandFeatureViewOptions) {
    const o = parseDefinition(OnDemandOptions, 'OnDemandFeatureView', options);
    this.name = o.name;
    this.inputs = o.sources.map((src) =>
      src.kind === 'RequestSource'
        ? { kind: 'request' as const, name: src.name, features: src.schema.map((f) => ({ name: f.name, dtype: f.dtype })) }
        : src.kind === 'FeatureView'
          ? { kind: 'view' as const, name: src.name, version: src.version, features: src.schema.map((f) => ({ name: f.name, dtype: f.dtype })) }
          : {
              kind: 'view' as const,
              name: src.view.name,
              version: src.view.version,
              features: src.features.map((n) => ({ name: n, dtype: src.view.schema.find((f) => f.name === n)!.dtype })),
            },
    );
    this.views = o.sources.flatMap((src) => (src.kind === 'FeatureView' ? [src] : src.kind === 'FeatureViewProjection' ? [src.view] : []));
    this.schema = Object.freeze([...o.schema]);
    this.transform = o.transform;
    this.codeHash = transformHash(o.transform);
    this.description = o.description;
    this.tags = o.tags;
    this.owner = o.owner;
  }
}
