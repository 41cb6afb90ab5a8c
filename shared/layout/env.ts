/**
 * Every `SKEWLESS_*` environment variable, named once: the CDK app sets them on the Lambdas
 * (`lambdaEnvironment`), `infra/outputs-env.ts` exports them for the CLI, and shared/config,
 * the AWS clients and the Lambda entries read them through these constants.
 */
export const ENV = {
  /** `local` or `aws` (overrides skewless.json). */
  provider: 'SKEWLESS_PROVIDER',
  /** Local provider: registry.json and online.sqlite live here. */
  dataDir: 'SKEWLESS_DATA_DIR',
  project: 'SKEWLESS_PROJECT',
  bucket: 'SKEWLESS_BUCKET',
  table: 'SKEWLESS_TABLE',
  glueDatabase: 'SKEWLESS_GLUE_DATABASE',
  athenaWorkgroup: 'SKEWLESS_ATHENA_WORKGROUP',
  /** How often a warm Lambda revalidates the registry (by ETag). */
  registryCacheSeconds: 'SKEWLESS_REGISTRY_CACHE_SECONDS',
  /** JSON `{ odfv: hash }` of the on-demand transformations bundled into the Lambdas. */
  codeHashes: 'SKEWLESS_CODE_HASHES',
  /** The Lambda's timeout: the SDK clients size their timeouts and retries to it. */
  functionTimeoutSeconds: 'SKEWLESS_FUNCTION_TIMEOUT_SECONDS',
  maxClockSkewSeconds: 'SKEWLESS_MAX_CLOCK_SKEW_SECONDS',
  maxRowsPerPush: 'SKEWLESS_MAX_ROWS_PER_PUSH',
  maxEntitiesPerLookup: 'SKEWLESS_MAX_ENTITIES_PER_LOOKUP',
  /** Conditional DynamoDB writes in flight per process (`aws.writeConcurrency` in skewless.json). */
  writeConcurrency: 'SKEWLESS_WRITE_CONCURRENCY',
  /** `skewless serve`: the bearer token every route but /health requires. */
  serveToken: 'SKEWLESS_SERVE_TOKEN',
  /** The CLI prints stack traces. */
  debug: 'SKEWLESS_DEBUG',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** The deployed resources a Lambda (or the CLI against a stack) is pointed at. */
export interface DeployedResources {
  project: string;
  bucket: string;
  table: string;
  glueDatabase: string;
  athenaWorkgroup: string;
}

/** The environment the CDK app gives every function (besides the per-function timeout). */
export function lambdaEnvironment(
  r: DeployedResources & { registryCacheSeconds: number; codeHashes?: Record<string, string>; writeConcurrency?: number },
): Record<string, string> {
  return {
    [ENV.project]: r.project,
    [ENV.bucket]: r.bucket,
    [ENV.table]: r.table,
    [ENV.glueDatabase]: r.glueDatabase,
    [ENV.athenaWorkgroup]: r.athenaWorkgroup,
    [ENV.registryCacheSeconds]: String(r.registryCacheSeconds),
    ...(r.codeHashes && Object.keys(r.codeHashes).length ? { [ENV.codeHashes]: JSON.stringify(r.codeHashes) } : {}),
    ...(r.writeConcurrency !== undefined ? { [ENV.writeConcurrency]: String(r.writeConcurrency) } : {}),
  };
}
