/**
 * `npm run demo:aws-local`: the same demo on provider aws — S3 registry, DynamoDB online store,
 * S3 Parquet + Glue + Athena offline store — against moto_server (started here) and the Athena
 * test double (DuckDB behind the Athena API), then the training workflow on a 1 M-row entity file
 * in S3 (prepare → UNLOAD → finalize, the dataset read back from the registry). No AWS account, no Docker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients } from '../../shared/aws/clients.js';
import { runDemo } from '../demo.js';
import { AthenaDouble } from './athena-double.js';
import { motoEnv, startMoto } from './moto.js';
import { ensureAwsResources } from './resources.js';
import { runTrainingDemo } from './training-demo.js';

export const AWS_NAMES = { bucket: 'skewless-demo', table: 'skewless-online', glueDatabase: 'skewless_demo' };

const moto = await startMoto();
Object.assign(process.env, motoEnv(moto.url));
const clients = createAwsClients('us-east-1');
// The workgroup's result location, as the stack configures it (the training step names it too).
const athena = new AthenaDouble(clients.s3, clients.glue, { outputLocation: `s3://${AWS_NAMES.bucket}/athena-results/` });
process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
const repo = process.env.DEMO_REPO ?? mkdtempSync(join(tmpdir(), 'skewless-aws-demo-'));
try {
  await ensureAwsResources(clients, AWS_NAMES);
  console.log(`moto_server at ${moto.url}, Athena double at ${process.env.AWS_ENDPOINT_URL_ATHENA}, repo ${repo}`);
  const now = new Date(process.env.DEMO_NOW ?? '2026-11-01T12:00:00Z');
  const events = Number(process.env.DEMO_EVENTS ?? 50_000);
  await runDemo({
    repo,
    now,
    events,
    config: { provider: 'aws', registryCacheSeconds: 0, aws: { bucket: AWS_NAMES.bucket, table: AWS_NAMES.table, glueDatabase: AWS_NAMES.glueDatabase } },
  });
  // The Step Functions training workflow on a large entity file in S3 (DEMO_ENTITY_ROWS, default 1 M).
  await runTrainingDemo({
    repo,
    now,
    clients,
    names: AWS_NAMES,
    rows: Number(process.env.DEMO_ENTITY_ROWS ?? 1_000_000),
    users: Math.max(10, Math.floor(events / 20)),
  });
} finally {
  await athena.stop();
  moto.stop();
  if (!process.env.DEMO_REPO) rmSync(repo, { recursive: true, force: true });
}
