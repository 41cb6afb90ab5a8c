import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { AthenaDouble, type AthenaDoubleOptions } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { AthenaOfflineStore } from '../../shared/offline/athena/athena-offline-store.js';
import type { FeatureViewSpec } from '../../shared/registry/types.js';
import { createStores } from '../../shared/providers/index.js';
import { uniqueName } from './aws.js';

/**
 * The Athena double for the tests of one `describe` block: started before them, with
 * `AWS_ENDPOINT_URL_ATHENA` pointing at it, and stopped after. Read `.athena` inside a test.
 */
export function useAthenaDouble(options?: AthenaDoubleOptions): { readonly athena: AthenaDouble } {
  const ref = {} as { athena: AthenaDouble };
  beforeAll(async () => {
    const clients = createAwsClients('us-east-1');
    ref.athena = new AthenaDouble(clients.s3, clients.glue, options);
    process.env.AWS_ENDPOINT_URL_ATHENA = await ref.athena.start();
  });
  afterAll(async () => {
    await ref.athena?.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
  });
  return ref;
}

/** A provider-aws store over a fresh bucket, table and Glue database on moto, its repo under `dir`. */
export async function freshAwsStore(dir: string, project: string, clock: { now: Date }): Promise<FeatureStore> {
  const names = { bucket: uniqueName(project), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
  await ensureAwsResources(createAwsClients('us-east-1'), names);
  const config = parseConfig({ project, provider: 'aws', registryCacheSeconds: 0, aws: names }, join(dir, 'aws'), {});
  return new FeatureStore(config, await createStores(config), { now: () => clock.now });
}

/** An Athena offline store over a fresh bucket and Glue database on moto, with tables for `views`. */
export async function freshAthenaOfflineStore(prefix: string, views: readonly FeatureViewSpec[]): Promise<AthenaOfflineStore> {
  const clients = createAwsClients('us-east-1');
  const names = { bucket: uniqueName(prefix), table: uniqueName('t'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
  await ensureAwsResources(clients, names);
  const store = new AthenaOfflineStore({
    ...clients,
    bucket: names.bucket,
    prefix: 'offline',
    database: names.glueDatabase,
    workgroup: 'primary',
    outputLocation: `s3://${names.bucket}/athena-results/`,
  });
  await store.ensureTables(views);
  return store;
}
