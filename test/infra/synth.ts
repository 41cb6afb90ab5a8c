import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as repo from '../../examples/feature_repo/definitions.js';
import { SkewlessStack } from '../../infra/stack.js';
import { toRepoSpecs } from '../../shared/registry/to-specs.js';
import type { Definition } from '../../shared/registry/to-specs.js';

export const specs = toRepoSpecs(Object.values(repo) as Definition[]);
export const views = specs.featureViews;
export const codeHashes = Object.fromEntries(specs.onDemandFeatureViews.map((o) => [o.name, o.codeHash]));

export type StackProps = Partial<ConstructorParameters<typeof SkewlessStack>[2]>;

/**
 * Synthesizes skewless stacks in one app without bundling (tests read templates; `cdk synth`
 * bundles for real), with cdk-nag on: synth throws on any unacknowledged finding.
 */
export function synthStacks(stacks: { id: string; props?: StackProps }[]): Record<string, Template> {
  return synthWithStacks(stacks).templates;
}

export function synthWithStacks(stacks: { id: string; props?: StackProps }[]): { templates: Record<string, Template>; stacks: Record<string, SkewlessStack> } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const built = stacks.map(
    (s) =>
      new SkewlessStack(app, s.id, {
        project: 'skewless_demo',
        views,
        definitionsPath: 'examples/feature_repo/definitions.ts',
        codeHashes,
        env: { account: '123456789012', region: 'eu-west-1' },
        ...s.props,
      }),
  );
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  return {
    templates: Object.fromEntries(stacks.map((s) => [s.id, Template.fromJSON(assembly.getStackByName(s.id).template)])),
    stacks: Object.fromEntries(built.map((b) => [b.node.id, b])),
  };
}

export function synthOne(props: StackProps = {}, id = 'Skewless'): Template {
  return synthStacks([{ id, props }])[id];
}

/** Resources of one type, by logical id. */
export function resourcesOf(t: Template, type: string): [string, { Properties: Record<string, any> }][] {
  return Object.entries(t.findResources(type)) as never;
}
