import * as repoDefinitions from 'skewless-repo-definitions';
import { instrumentAwsClients } from '../../shared/aws/client-config.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { ENV } from '../../shared/layout/env.js';
// Static, so the S3 and DynamoDB SDK packages load in the Lambda's init phase (where AWS's best practices
// put SDK set-up), not in the first invocation; Glue and Athena load on a first query (or at init where
// every invocation queries: query-engine.ts).
import { awsProvider } from '../../shared/providers/aws.js';
import type { Definition } from '../../shared/registry/to-specs.js';
import { tracer } from './tracer.js';
import type { StoreProvider } from './store-provider.js';

// Every SDK call of the Lambda's stores is a subsegment of the invocation's trace (a no-op outside Lambda).
instrumentAwsClients((client) => tracer.captureAWSv3Client(client));

let store: Promise<FeatureStore> | undefined;

/**
 * The store of a warm Lambda container: provider aws from the environment the CDK app sets
 * (SKEWLESS_BUCKET, SKEWLESS_TABLE, …), the registry read from S3 and revalidated by ETag at most
 * every SKEWLESS_REGISTRY_CACHE_SECONDS, and the feature repo's code bundled in (on-demand
 * transformations) — checked against the hashes `apply` recorded.
 */
export const lambdaStore: StoreProvider = () => {
  store ??= (async () => {
    const env = process.env;
    const config = parseConfig(
      { project: env[ENV.project] ?? 'skewless', provider: 'aws', registryCacheSeconds: Number(env[ENV.registryCacheSeconds] ?? 30) },
      '/tmp',
      env,
    );
    const definitions = (Object.values(repoDefinitions) as unknown[]).filter((d): d is Definition => typeof (d as { kind?: unknown })?.kind === 'string');
    // SKEWLESS_CODE_HASHES: the hashes of the transformations' source when this bundle was built (set by the CDK app).
    const codeHashes = env[ENV.codeHashes] ? (JSON.parse(env[ENV.codeHashes]!) as Record<string, string>) : undefined;
    return new FeatureStore(config, awsProvider(config)).useDefinitions(definitions, codeHashes ? { codeHashes } : {});
  })().catch((err) => {
    store = undefined;
    throw err;
  });
  return store;
};

/** Tests reset the container state between cases. */
export function resetLambdaStore(): void {
  store = undefined;
}
