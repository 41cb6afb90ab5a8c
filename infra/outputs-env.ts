import { readFileSync } from 'node:fs';
import { ENV } from '../shared/layout/index.js';
import { ConfigurationError, ValidationError } from '../shared/errors.js';

/**
 * `eval "$(node --import ./cli/register.js infra/outputs-env.ts cdk-outputs.json [StackName])"`:
 * turns the stack outputs `cdk deploy --outputs-file` wrote into the environment the CLI reads
 * (the same variables the stack gives its Lambdas), so `skewless apply` and every other verb run
 * against the deployed stack without hand-copying names into skewless.json.
 */
const MAPPING: Record<string, string> = {
  Project: ENV.project,
  Bucket: ENV.bucket,
  Table: ENV.table,
  GlueDatabase: ENV.glueDatabase,
  AthenaWorkgroup: ENV.athenaWorkgroup,
  Region: 'AWS_REGION',
};

export function outputsToEnv(outputs: Record<string, Record<string, string>>, stack?: string): Record<string, string> {
  const names = Object.keys(outputs).filter((s) => 'Bucket' in outputs[s] && 'Table' in outputs[s]);
  const chosen = stack ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen || !outputs[chosen])
    throw new ValidationError(`outputs-env: name the stack (one of ${names.join(', ') || 'none'})`, [
      { field: 'stack', message: `one of ${names.join(', ') || 'none'}` },
    ]);
  const o = outputs[chosen];
  const env: Record<string, string> = { [ENV.provider]: 'aws' };
  for (const [key, variable] of Object.entries(MAPPING)) {
    if (o[key] === undefined) throw new ConfigurationError(`outputs-env: stack ${chosen} has no output ${key}`, { stack: chosen, output: key });
    env[variable] = o[key];
  }
  return env;
}

const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [file, stack] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: outputs-env.ts cdk-outputs.json [StackName]\n');
    process.exit(2);
  }
  const env = outputsToEnv(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, string>>, stack);
  process.stdout.write(
    Object.entries(env)
      .map(([k, v]) => `export ${k}=${quote(v)}\n`)
      .join(''),
  );
}
