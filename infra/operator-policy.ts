import { Stack } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * What `skewless apply` needs, as a managed policy to attach to the operator or CI role: read and
 * conditionally write the registry object, and own the project's Glue tables (apply creates or
 * updates one per view version; the stack creates none, so there is one owner).
 */
export class OperatorPolicy extends Construct {
  readonly policy: ManagedPolicy;

  constructor(scope: Construct, id: string, props: { bucket: IBucket; registryKey: string; database: string }) {
    super(scope, id);
    const stack = Stack.of(this);
    this.policy = new ManagedPolicy(this, 'Apply', {
      description: `skewless apply for ${stack.stackName}: registry object and the Glue tables of database ${props.database}`,
      statements: [
        new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [props.bucket.arnForObjects(props.registryKey)] }),
        // Without ListBucket a missing registry answers 403 instead of 404 ("not applied yet").
        new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.bucket.bucketArn], conditions: { StringEquals: { 's3:prefix': [props.registryKey] } } }),
        new PolicyStatement({
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
          resources: [
            stack.formatArn({ service: 'glue', resource: 'catalog' }),
            stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.database }),
            stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${props.database}/*` }),
          ],
        }),
      ],
    });
  }
}
