/**
 * The Step Functions training workflow of `demo:aws-local`, step by step: an entity file of
 * `rows` rows in S3 (Parquet) → prepare → Athena UNLOAD (what the `.sync` task does: the
 * workgroup's result location, the ClientRequestToken) → finalize, then the dataset as the
 * registry records it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../shared/aws/clients.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { AthenaRunner } from '../../shared/offline/athena/athena-runner.js';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteString } from '../../shared/offline/sql/quote.js';
import type { DatasetSpec } from '../../shared/registry/types.js';

export interface TrainingDemoOptions {
  repo: string;
  now: Date;
  clients: AwsClients;
  names: { bucket: string; glueDatabase: string };
  /** Entity rows in the file. */
  rows: number;
  /** Users the entity rows cycle over (the demo's generator has events / 20 of them). */
  users: number;
  log?: (line: string) => void;
}

const DAY = 86_400_000;
const FEATURES = ['user_activity:sessions_7d', 'user_activity:preferred_model', 'user_activity:total_tokens_7d', 'user_realtime:current_session_messages'];

export async function runTrainingDemo(o: TrainingDemoOptions): Promise<{ dataset: DatasetSpec; seconds: number }> {
  const log = o.log ?? ((line: string) => console.log(line));
  const t0 = performance.now();
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);
  // The entity file: rows over the last 14 days, written by DuckDB, uploaded under entities/.
  const dir = mkdtempSync(join(tmpdir(), 'skewless-entities-'));
  const file = join(dir, 'entities.parquet');
  const db = await DuckDBSession.create();
  try {
    const start = new Date(Math.floor(o.now.getTime() / DAY) * DAY - 14 * DAY).toISOString().replace('T', ' ').replace('Z', '');
    await db.run(
      `COPY (SELECT 'u_' || lpad(CAST(i % ${o.users} AS VARCHAR), 6, '0') AS user_id, TIMESTAMP '${start}' + to_seconds((i * 7919) % ${14 * 86400}) AS event_timestamp, CAST(i % 2 AS BIGINT) AS label FROM range(${o.rows}) t(i)) TO ${quoteString(file)} (FORMAT parquet)`,
    );
    await o.clients.s3.send(new PutObjectCommand({ Bucket: o.names.bucket, Key: 'entities/demo-training.parquet', Body: readFileSync(file) }));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const entityUri = `s3://${o.names.bucket}/entities/demo-training.parquet`;
  log(`\n== training workflow: ${o.rows.toLocaleString('en-US')} entity rows from ${entityUri} (${seconds()} s)`);

  const store = await FeatureStore.open(o.repo, { now: () => o.now });
  try {
    const request = {
      features: FEATURES,
      entitySource: { uri: entityUri },
      outputUri: `s3://${o.names.bucket}/datasets/demo-training/`,
      name: 'demo-training',
    };
    const prepared = await store.prepareTrainingDataset(request);
    log(
      `prepare: ${prepared.rowCount.toLocaleString('en-US')} rows staged; state carried between steps: ${JSON.stringify({ prepared }).length} bytes (${seconds()} s)`,
    );
    const runner = new AthenaRunner({ client: o.clients.athena, workgroup: 'primary', database: o.names.glueDatabase, timeoutMs: 30 * 60_000 });
    const { queryId } = await runner.run(prepared.queryString, { clientRequestToken: prepared.clientRequestToken });
    log(`athena: UNLOAD ${queryId} into ${prepared.outputUri} (${seconds()} s)`);
    const done = await store.finishTrainingDataset(prepared, true);
    log(`finalize: ${done.status} (${seconds()} s)`);
    const dataset = (await store.context.registryStore.read())!.datasets!['demo-training'];
    log(`registry dataset '${dataset.name}': ${dataset.s3Uri}`);
    log(`  rows ${dataset.rowCount.toLocaleString('en-US')}, schema ${dataset.schema.map((c) => `${c.name} ${c.type}`).join(', ')}`);
    log(`training dataset of ${o.rows.toLocaleString('en-US')} entity rows finished in ${seconds()} s`);
    return { dataset, seconds: Number(seconds()) };
  } finally {
    await store.close();
  }
}
