import { join, resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ENV } from '../shared/layout/index.js';

const ROOT = resolve(import.meta.dirname, '..');

export type FunctionName = 'push' | 'online-lookup' | 'materialize' | 'historical-prepare' | 'historical-finalize' | 'freshness-check';

export interface SkewlessFunctionProps {
  name: FunctionName;
  /** The feature repo's definitions module, bundled in (on-demand transformations). */
  definitionsPath: string;
  environment: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /** Caps this function's concurrency (protects DynamoDB / downstream from a burst). @default unreserved */
  reservedConcurrentExecutions?: number;
}

/**
 * How every function is bundled. Stack traces are mapped back to the TypeScript sources because the
 * runtime is started with `--enable-source-maps` AND the bundle ships a linked `.js.map`: one without
 * the other is either a no-op flag or a map nobody reads. Sources are not embedded in the map (the
 * bundle stays lean; file and line are what an operator needs).
 */
export function bundlingOptions(definitionsPath: string): BundlingOptions {
  return {
    minify: true,
    sourceMap: true,
    sourceMapMode: SourceMapMode.DEFAULT,
    sourcesContent: false,
    format: OutputFormat.CJS,
    target: 'node22',
    externalModules: ['@aws-sdk/*', '@duckdb/node-api', 'better-sqlite3', 'tsx'],
    esbuildArgs: {
      '--alias:skewless-repo-definitions': resolve(definitionsPath),
      '--alias:skewless': join(ROOT, 'shared/index.ts'),
    },
  };
}

/**
 * One Lambda per job: Node.js 22 on ARM64, bundled locally by esbuild (no Docker), minified, the
 * AWS SDK from the runtime, the native engines of the local provider left out.
 */
export class SkewlessFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: SkewlessFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.ONE_MONTH });
    const timeout = props.timeout ?? Duration.seconds(30);
    super(scope, id, {
      entry: join(ROOT, 'functions/lambda', `${props.name}.ts`),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot: ROOT,
      depsLockFilePath: join(ROOT, 'package-lock.json'),
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: `skewless-${props.name}`,
        POWERTOOLS_METRICS_NAMESPACE: 'Skewless',
        // The AWS SDK clients size their request timeouts and retries to the invocation's budget (shared/aws/clients.ts).
        [ENV.functionTimeoutSeconds]: String(timeout.toSeconds()),
        ...props.environment,
      },
      bundling: bundlingOptions(props.definitionsPath),
    });
  }
}
