import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FeatureStore, type FeatureStoreProps } from './feature-store.js';
import { suppressJustifiedFindings } from './nag-suppressions.js';

export interface SkewlessStackProps extends StackProps, FeatureStoreProps {}

/** The deployable stack: the FeatureStore construct plus the justified cdk-nag suppressions. */
export class SkewlessStack extends Stack {
  readonly featureStore: FeatureStore;
  constructor(scope: Construct, id: string, props: SkewlessStackProps) {
    super(scope, id, props);
    // FeatureStore reads only its own props; the stack's (env, tags, …) are ignored there.
    this.featureStore = new FeatureStore(this, 'FeatureStore', props);
    suppressJustifiedFindings(this, this.featureStore);
  }
}
