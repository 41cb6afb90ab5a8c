import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** What an operator needs after `cdk deploy`, one output each (`--outputs-file` → `infra/outputs-env.ts`). */
export interface StackOutputValues {
  Project: string;
  Bucket: string;
  RegistryKey: string;
  Table: string;
  GlueDatabase: string;
  AthenaWorkgroup: string;
  TrainingStateMachineArn: string;
  ApiUrl: string;
  AlarmTopicArn: string;
  ApplyPolicyArn: string;
  PushStreamName?: string;
}

export class StackOutputs extends Construct {
  constructor(scope: Construct, id: string, values: StackOutputValues) {
    super(scope, id);
    // Output IDs are created in the stack's scope so their keys are exactly these names.
    const stack = Stack.of(this);
    for (const [key, value] of Object.entries({ Region: stack.region, ...values }))
      if (value !== undefined) new CfnOutput(stack, key, { value, description: `skewless ${key}` });
  }
}
