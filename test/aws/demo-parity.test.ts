import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AthenaDouble } from '../../examples/aws-local/athena-double.js';
import { ensureAwsResources } from '../../examples/aws-local/resources.js';
import { runDemo } from '../../examples/demo.js';
import { createAwsClients } from '../../shared/aws/clients.js';
import { uniqueName } from '../helpers/aws.js';
import { tempDir } from '../helpers/tmp.js';

describe('demo:aws-local', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('yields the same online vectors and the same training set as provider local', async () => {
    const clients = createAwsClients('us-east-1');
    const athena = new AthenaDouble(clients.s3, clients.glue);
    process.env.AWS_ENDPOINT_URL_ATHENA = await athena.start();
    const names = { bucket: uniqueName('demo'), table: uniqueName('online'), glueDatabase: uniqueName('demo').replace(/-/g, '_') };
    await ensureAwsResources(clients, names);
    const common = { now: new Date('2026-11-01T12:00:00Z'), events: 4_000, log: () => undefined };
    try {
      const local = await runDemo({ ...common, repo: join(tmp.dir, 'local') });
      const aws = await runDemo({ ...common, repo: join(tmp.dir, 'aws'), config: { provider: 'aws', registryCacheSeconds: 0, aws: names } });
      expect(aws.online).toEqual(local.online);
      expect(aws.training).toEqual(local.training);
      expect(local.online.results[1].statuses.filter((s) => s === 'PRESENT').length).toBeGreaterThan(0);
      expect(local.training.filter((r) => r.sessions_7d !== null).length).toBeGreaterThan(0);
    } finally {
      await athena.stop();
      delete process.env.AWS_ENDPOINT_URL_ATHENA;
    }
  }, 300_000);
});
