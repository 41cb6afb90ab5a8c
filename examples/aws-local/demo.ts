/**
 * `npm run demo:aws-local`: the same demo on provider aws — S3 registry, DynamoDB online store,
 * S3 Parquet + Glue + Athena offline store — against moto_server (started here) and the Athena
 * test double (DuckDB behind the Athena API). No AWS account, no Docker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients } from '../../shared/aws/clients.js';
import { runDemo } from '../demo.js';
import { AthenaDouble } from './athena-double.js';
import { motoEnv, startMoto } from './moto.js';
import { ensureAwsResources } from './resources.js';

export const AWS_NAMES = { bucket: 'skewless-demo', table: 'skewless-online', glueDatabase: 'skewless_demo' };

const moto = await startMoto();
Object.assign(process.env, motoEnv(moto.url));
const clients = createAwsClients('us-east-1');
const athena = new AthenaDouble(clients.s3, clients.glue);
process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
const repo = process.env.DEMO_REPO ?? mkdtempSync(join(tmpdir(), 'skewless-aws-demo-'));
try {
  await ensureAwsResources(clients, AWS_NAMES);
  console.log(`moto_server at ${moto.url}, Athena double at ${process.env.AWS_ENDPOINT_URL_ATHENA}, repo ${repo}`);
  await runDemo({
    repo,
    now: new Date(process.env.DEMO_NOW ?? '2026-11-01T12:00:00Z'),
    events: Number(process.env.DEMO_EVENTS ?? 50_000),
    config: { provider: 'aws', registryCacheSeconds: 0, aws: { bucket: AWS_NAMES.bucket, table: AWS_NAMES.table, glueDatabase: AWS_NAMES.glueDatabase } },
  });
} finally {
  await athena.stop();
  moto.stop();
  if (!process.env.DEMO_REPO) rmSync(repo, { recursive: true, force: true });
}
