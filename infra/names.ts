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

/**
 * The Glue database and Athena workgroup are named after the project (the registry's identity), so
 * `skewless.json` stays readable; the stack outputs name them for the CLI. Two stacks of one
 * project in one account would share them — deploy a second copy under another project name.
 */
export function projectNames(project: string): { database: string; workgroup: string } {
  return { database: project.toLowerCase(), workgroup: `skewless-${project}`.toLowerCase() };
}
