import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Physical names that must be unique in an account and region (dashboards, alarms, the API's name)
 * are derived from the stack name, which CloudFormation already keeps unique there: two skewless
 * stacks in one account (two projects, or staging and prod of one) never clash.
 */
export function accountUniqueName(scope: IConstruct, suffix: string): string {
  return `${Stack.of(scope).stackName}-${suffix}`;
}
