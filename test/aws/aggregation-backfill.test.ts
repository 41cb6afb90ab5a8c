import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { createStores } from '../../shared/providers/index.js';
import { propertyDefinitions } from '../helpers/aggregation-property.js';
import { uniqueName } from '../helpers/aws.js';
import { checkBackfillEqualsOracle } from '../helpers/backfill-property.js';
import { tempDir } from '../helpers/tmp.js';

/** Backfill of tiles from historical events with nulls in event columns (provider aws: Athena double UNLOAD → DynamoDB tiles on moto). */
describe('aggregation views: a backfill folds every historical event into tiles (provider aws)', () => {
  const tmp = tempDir();
  let athena: AthenaDouble;
  beforeAll(async () => {
    const clients = createAwsClients('us-east-1');
    athena = new AthenaDouble(clients.s3, clients.glue);
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
  });
  afterAll(async () => {
    await athena.stop();
    delete process.env.AWS_ENDPOINT_URL_ATHENA;
    tmp.cleanup();
  });

  it('seed 11: events with nulls in event columns, duplicates and ties equal the oracle online and offline', async () => {
    const names = { bucket: uniqueName('aggfill'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    await ensureAwsResources(createAwsClients('us-east-1'), names);
    const config = parseConfig({ project: 'aggfill', provider: 'aws', registryCacheSeconds: 0, aws: names }, join(tmp.dir, 'aws'), {});
    const clock = { now: new Date(Date.UTC(2026, 0, 1)) };
    const store = new FeatureStore(config, await createStores(config), { now: () => clock.now });
    try {
      await store.apply(propertyDefinitions().all);
      expect(await checkBackfillEqualsOracle(store, clock, 11, { events: 150, lookups: 4 })).toBe(4 * 4 * 10);
      // The distinct events were read through Athena, in SQL its grammar accepts (the double parses every statement first).
      expect(athena.queries.some((q) => /^UNLOAD \(SELECT \* FROM \(SELECT DISTINCT /.test(q))).toBe(true);
    } finally {
      await store.close();
    }
  }, 300_000);
});
