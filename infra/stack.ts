import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ServerlessFeatureStore, type ServerlessFeatureStoreProps } from './serverless-feature-store.js';
import { suppressJustifiedFindings } from './nag-suppressions.js';

export interface SkewlessStackProps extends StackProps, ServerlessFeatureStoreProps {}

/** The deployable stack: the ServerlessFeatureStore construct plus the justified cdk-nag suppressions. */
export class SkewlessStack extends Stack {
  readonly featureStore: ServerlessFeatureStore;
  constructor(scope: Construct, id: string, props: SkewlessStackProps) {
    super(scope, id, props);
    // ServerlessFeatureStore reads only its own props; the stack's (env, tags, …) are ignored there.
    this.featureStore = new ServerlessFeatureStore(this, 'FeatureStore', props);
    suppressJustifiedFindings(this, this.featureStore);
  }
}
