import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { createStores } from '../../shared/providers/index.js';
import { freshDeployment } from './deployed-env.js';
import { synthOne, views } from './synth.js';

const ROOT = join(import.meta.dirname, '../..');
const run = promisify(execFile);

/** The commands of README's "Deploy to AWS" block, comments dropped. */
function readmeDeployCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Deploy to AWS'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)![1];
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#\s.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
}

describe('README: "Deploy to AWS", every command but `cdk deploy`, against moto', () => {
  const commands = readmeDeployCommands();
  const outputsFile = join(ROOT, 'cdk-outputs.json');
  let deployment: Awaited<ReturnType<typeof freshDeployment>>;
  beforeAll(async () => {
    deployment = await freshDeployment();
  });
  afterAll(() => {
    rmSync(outputsFile, { force: true });
    deployment.restore();
  });

  it('deploys with the outputs written to a file the next commands read', () => {
    expect(commands.filter((c) => /\bcdk deploy\b/.test(c))).toEqual([expect.stringMatching(/--outputs-file cdk-outputs\.json/)]);
  });

  it('bootstraps, points the CLI at the stack from its outputs, applies, and lists the views from the deployed registry', async () => {
    // What `cdk deploy --outputs-file` writes: the synthesized stack's output keys, with the names of the resources (here on moto).
    const declared = Object.keys(synthOne().toJSON().Outputs);
    const known: Record<string, string> = {
      Project: 'skewless_demo',
      Bucket: deployment.names.bucket,
      Table: deployment.names.table,
      GlueDatabase: deployment.names.glueDatabase,
      AthenaWorkgroup: 'primary',
      Region: 'us-east-1',
      RegistryKey: 'registry/registry.json',
    };
    writeFileSync(outputsFile, JSON.stringify({ 'Skewless-skewless-demo': Object.fromEntries(declared.map((k) => [k, known[k] ?? `deployed-${k}`])) }));
    // The CLI must take every name from the outputs: nothing of this test's deployment leaks in through the environment.
    const env = { ...process.env };
    for (const k of Object.keys(deployment.env)) delete env[k];
    const script = commands.filter((c) => !/\bcdk deploy\b/.test(c)).join('\n');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: ROOT, env, maxBuffer: 16 * 2 ** 20 });
    expect(stdout).toMatch(/user_activity/);
    // apply wrote the registry into the deployed bucket and created every view version's Glue table.
    const config = parseConfig({ project: 'skewless_demo', provider: 'aws', aws: deployment.names }, '/tmp', {});
    const registry = await (await createStores(config)).registryStore.read();
    expect(Object.keys(registry?.featureViews ?? {}).sort()).toEqual(views.map((v) => `${v.name}@v${v.version}`).sort());
    const glue = createAwsClients('us-east-1').glue;
    for (const v of views)
      expect(
        (await glue.send(new GetTableCommand({ DatabaseName: deployment.names.glueDatabase, Name: `${v.name}_v${v.version}` }))).Table?.StorageDescriptor
          ?.Location,
      ).toContain(`/${v.name}/v${v.version}/`);
  }, 300_000);
});
