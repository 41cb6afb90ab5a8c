import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { resetLambdaStore } from '../../functions/lib/lambda-store.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { uniqueName } from '../helpers/aws.js';

/**
 * A freshly "deployed" stack on moto: the bucket, table and Glue database the CDK app creates (no
 * registry object, no Glue tables — nothing applied yet), and the Lambda environment pointing at
 * them, as the stack sets it.
 */
export async function freshDeployment(
  project = 'skewless_demo',
): Promise<{ names: { bucket: string; table: string; glueDatabase: string }; env: Record<string, string>; restore: () => void }> {
  const names = { bucket: uniqueName('deployed'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
  await ensureAwsResources(createAwsClients('us-east-1'), names);
  const env = {
    SKEWLESS_PROJECT: project,
    SKEWLESS_BUCKET: names.bucket,
    SKEWLESS_TABLE: names.table,
    SKEWLESS_GLUE_DATABASE: names.glueDatabase,
    SKEWLESS_ATHENA_WORKGROUP: 'primary',
    SKEWLESS_REGISTRY_CACHE_SECONDS: '0',
    POWERTOOLS_METRICS_NAMESPACE: 'Skewless',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  resetLambdaStore();
  return {
    names,
    env,
    restore: () => {
      for (const [k, v] of Object.entries(before))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      resetLambdaStore();
    },
  };
}
