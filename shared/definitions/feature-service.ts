import { z } from 'zod';
import type { FeatureView, FeatureViewProjection } from './feature-view.js';
import type { OnDemandFeatureView } from './on-demand-feature-view.js';
import * as s from './schemas.js';
import { parseDefinition } from './validate.js';

const FeatureServiceOptions = z.strictObject({
  name: s.name,
  features: z
    .array(
      z.custom<FeatureView | FeatureViewProjection | OnDemandFeatureView>(
        (v) => ['FeatureView', 'FeatureViewProjection', 'OnDemandFeatureView'].includes((v as FeatureView)?.kind),
        'expected a FeatureView, view.select(...) or an OnDemandFeatureView',
      ),
    )
    .min(1),
  ...s.common,
});
export type FeatureServiceOptions = z.input<typeof FeatureServiceOptions>;

/**
 * The named set of features one model consumes. It pins the view versions it was defined with.
 * @example new FeatureService({ name: 'churn_model_v1', features: [userActivity, userRealtime.select('current_session_messages')] })
 */
export class FeatureService {
  readonly kind = 'FeatureService' as const;
  readonly name: string;
  readonly projections: readonly { view: FeatureView | OnDemandFeatureView; features: readonly string[] }[];
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;
  constructor(options: FeatureServiceOptions) {
    const o = parseDefinition(FeatureServiceOptions, 'FeatureService', options);
    this.name = o.name;
    this.projections = o.features.map((f) =>
      f.kind === 'FeatureViewProjection' ? { view: f.view, features: f.features } : { view: f, features: f.schema.map((x) => x.name) },
    );
    this.description = o.description;
    this.tags = o.tags;
    this.owner = o.owner;
  }
}
