import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { FeatureViewSpec } from '../shared/registry/types.js';
import { FeatureStore } from './feature-store.js';
import { suppressJustifiedFindings } from './nag-suppressions.js';

export interface SkewlessStackProps extends StackProps {
  project: string;
  views: FeatureViewSpec[];
  definitionsPath: string;
  codeHashes?: Record<string, string>;
  alarmEmail?: string;
}

/** The deployable stack: the FeatureStore construct plus the justified cdk-nag suppressions. */
export class SkewlessStack extends Stack {
  readonly featureStore: FeatureStore;
  constructor(scope: Construct, id: string, props: SkewlessStackProps) {
    super(scope, id, props);
    this.featureStore = new FeatureStore(this, 'FeatureStore', { project: props.project, views: props.views, definitionsPath: props.definitionsPath, ...(props.codeHashes ? { codeHashes: props.codeHashes } : {}), ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}) });
    suppressJustifiedFindings(this, this.featureStore);
  }
}
