import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { NAME_PATTERN } from '../definitions/schemas.js';
import { ValidationError } from '../errors.js';
import { ENV } from '../layout/env.js';
import { LOCAL_LAYOUT } from '../layout/local-layout.js';
import { REGISTRY_KEY, S3_PREFIX } from '../layout/s3-layout.js';
import { LimitsSchema, limitsFromEnv } from '../util/limits.js';

export const CONFIG_FILE = 'skewless.json';

/** 16 in flight keeps one core busy on DynamoDB at single-digit-ms latency (docs/performance.md). */
export const DEFAULT_WRITE_CONCURRENCY = 16;

const AwsConfig = z.object({
  region: z.string().default('us-east-1'),
  bucket: z.string().min(3),
  prefix: z.string().default(S3_PREFIX.offline),
  registryKey: z.string().default(REGISTRY_KEY),
  table: z.string().min(3),
  glueDatabase: z.string().default('skewless'),
  athenaWorkgroup: z.string().default('primary'),
  athenaOutput: z.string().optional(),
  /**
   * Conditional DynamoDB writes in flight at once, per process (materialization chunk worker, push,
   * CLI); env SKEWLESS_WRITE_CONCURRENCY. Throughput ≈ min(concurrency ÷ per-request latency, what
   * one core marshals): docs/performance.md#materialization-on-dynamodb.
   */
  writeConcurrency: z.number().int().min(1).max(1024).default(DEFAULT_WRITE_CONCURRENCY),
});

export const RepoConfigSchema = z.object({
  project: z.string().regex(NAME_PATTERN, 'expected letters, digits and _'),
  provider: z.enum(['local', 'aws']).default('local'),
  /** The TypeScript module(s) that export the repo's definitions, relative to the repo. */
  definitions: z.union([z.string(), z.array(z.string()).min(1)]).default('definitions.ts'),
  /** Local provider: registry.json and online.sqlite live here, relative to the repo. */
  dataDir: z.string().default(LOCAL_LAYOUT.dataDir),
  /** How often a long-running process re-reads the registry. */
  registryCacheSeconds: z.number().min(0).default(1),
  server: z
    .object({
      maxBodyBytes: z
        .number()
        .int()
        .positive()
        .default(6 * 1024 * 1024),
      /** Browser origins allowed to call `serve` (default none); see functions/dev-server/dev-server.ts. */
      allowedOrigins: z.array(z.string()).default([]),
      /** Host names accepted besides the bound address and localhost (DNS rebinding protection). */
      allowedHosts: z.array(z.string()).default([]),
    })
    .prefault({}),
  aws: AwsConfig.optional(),
  limits: LimitsSchema,
});
export type RepoConfig = z.output<typeof RepoConfigSchema> & { repoDir: string };

/** Environment overrides (used by Lambda and CI), applied after the file. */
function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (env[ENV.provider]) o.provider = env[ENV.provider];
  if (env[ENV.dataDir]) o.dataDir = env[ENV.dataDir];
  if (env[ENV.project]) o.project = env[ENV.project];
  if (Object.keys(limitsFromEnv(env)).length) o.limits = limitsFromEnv(env);
  // Lambda: the CDK app passes resource names as environment variables.
  if (env[ENV.bucket] || env[ENV.table]) {
    o.aws = {
      ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
      ...(env[ENV.bucket] ? { bucket: env[ENV.bucket] } : {}),
      ...(env[ENV.table] ? { table: env[ENV.table] } : {}),
      ...(env[ENV.glueDatabase] ? { glueDatabase: env[ENV.glueDatabase] } : {}),
      ...(env[ENV.athenaWorkgroup] ? { athenaWorkgroup: env[ENV.athenaWorkgroup] } : {}),
    };
  }
  // Only tunes an aws section that exists (in the file or from the variables above).
  if (env[ENV.writeConcurrency]) o.awsWriteConcurrency = Number(env[ENV.writeConcurrency]);
  return o;
}

export function parseConfig(raw: unknown, repoDir: string, env: NodeJS.ProcessEnv = process.env): RepoConfig {
  const { awsWriteConcurrency, ...over } = envOverrides(env);
  const rawAws = (raw as { aws?: object }).aws;
  if (awsWriteConcurrency !== undefined && (rawAws || over.aws)) over.aws = { ...(over.aws as object), writeConcurrency: awsWriteConcurrency };
  const merged = {
    ...(raw as object),
    ...over,
    ...(over.limits ? { limits: { ...((raw as { limits?: object }).limits ?? {}), ...(over.limits as object) } } : {}),
    ...(over.aws ? { aws: { ...((raw as { aws?: object }).aws ?? {}), ...(over.aws as object) } } : {}),
  };
  const result = RepoConfigSchema.safeParse(merged);
  if (!result.success) {
    const i = result.error.issues[0];
    const field = i.path.join('.') || '(root)';
    throw new ValidationError(
      `${CONFIG_FILE}: ${field}: ${i.message}`,
      result.error.issues.map((x) => ({ field: x.path.join('.'), message: x.message })),
    );
  }
  return { ...result.data, repoDir: resolve(repoDir) };
}

/** Reads `<repo>/skewless.json`. */
export async function loadConfig(repoDir: string, env: NodeJS.ProcessEnv = process.env): Promise<RepoConfig> {
  const path = join(repoDir, CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new ValidationError(`no ${CONFIG_FILE} in ${resolve(repoDir)}: run \`skewless init\` or pass --repo DIR`, [
      { field: 'repo', message: 'not a feature repo' },
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`${path}: invalid JSON: ${(err as Error).message}`, [{ field: CONFIG_FILE, message: 'invalid JSON' }]);
  }
  return parseConfig(raw, repoDir, env);
}
