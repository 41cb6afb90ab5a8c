import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { createStores } from '../../shared/providers/index.js';
import { checkOnlineEqualsOffline, propertyDefinitions } from '../helpers/aggregation-property.js';
import { uniqueName } from '../helpers/aws.js';
import { tempDir } from '../helpers/tmp.js';

/** Issue 14 item 4 on provider aws: online (DynamoDB tiles on moto) = offline (Athena SQL run by the double). */
describe('aggregation views: online value at t = offline value for an entity row at t (provider aws)', () => {
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

  it('seed 7: random stream, random order, duplicates, late events', async () => {
    const names = { bucket: uniqueName('aggprop'), table: uniqueName('online'), glueDatabase: uniqueName('db').replace(/-/g, '_') };
    await ensureAwsResources(createAwsClients('us-east-1'), names);
    const config = parseConfig({ project: 'aggprop', provider: 'aws', registryCacheSeconds: 0, aws: names }, join(tmp.dir, 'aws'), {});
    const clock = { now: new Date(Date.UTC(2026, 0, 1)) };
    const store = new FeatureStore(config, await createStores(config), { now: () => clock.now });
    try {
      await store.apply(propertyDefinitions().all);
      expect(await checkOnlineEqualsOffline(store, clock, 7, { events: 120, phases: 2, lookups: 3 })).toBe(2 * 3 * 5 * 10);
    } finally {
      await store.close();
    }
  }, 300_000);
});
