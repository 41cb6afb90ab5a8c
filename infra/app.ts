import { resolve } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadConfig } from '../shared/config/config.js';
import { loadDefinitions } from '../shared/config/load-definitions.js';
import { toRepoSpecs } from '../shared/registry/to-specs.js';
import { SkewlessStack } from './stack.js';

// `npx cdk deploy -c repo=path/to/feature_repo`: the repo's definitions drive the per-view resources.
const app = new App();
const repo = resolve(String(app.node.tryGetContext('repo') ?? 'examples/feature_repo'));
const config = await loadConfig(repo);
const loaded = await loadDefinitions(config);
const specs = toRepoSpecs(loaded);
const codeHashes = Object.fromEntries(specs.onDemandFeatureViews.map((o) => [o.name, o.codeHash]));
const definitions = Array.isArray(config.definitions) ? config.definitions[0] : config.definitions;
const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;
new SkewlessStack(app, `Skewless-${config.project.replace(/_/g, '-')}`, {
  project: config.project,
  views: specs.featureViews.map((v) => ({ ...v })),
  definitionsPath: resolve(repo, definitions),
  codeHashes,
  ...(alarmEmail ? { alarmEmail } : {}),
  ...(config.aws ? { writeConcurrency: config.aws.writeConcurrency } : {}),
});
// cdk-nag's AwsSolutions pack: any finding not acknowledged (with its reason) fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
