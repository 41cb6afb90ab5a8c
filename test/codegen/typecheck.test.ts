import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateClients } from '../../shared/codegen/generate.js';
import { writeGenerated } from '../../shared/codegen/write-files.js';
import { Registry } from '../../shared/registry/registry.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { codegenDefinitions, prepareClientDir, TSC } from './fixture.js';

/** Calling code that is right, with the mistakes the compiler must catch marked `@ts-expect-error`. */
const CORRECT = `import { createClient, type PricingRow } from './client/index.js';
import { sigv4Signer } from './client/sigv4.js';

const client = createClient({ baseUrl: 'http://127.0.0.1:6566', sign: sigv4Signer({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }) });
const rows: PricingRow[] = await client.pricing.get({ driver_id: [1n, 2, '3'], distance_km: [10, 3.5] });
const fare: number | null = rows[0].values.fare;
const trips: bigint | null = rows[0].values.trips;
const id: bigint = rows[0].entity.driver_id;
const status: 'PRESENT' | 'NOT_FOUND' | 'OUTSIDE_MAX_AGE' | 'NULL_VALUE' = rows[0].statuses.fare;
const at: Date = rows[0].eventTimestamps.trips;
const profile = await client.driverProfile.get({ driver_id: [1] });
const seen: Date | null = profile[0].values.last_seen;
const tags: (string | null)[] | null = profile[0].values.tags;
const bytes: Uint8Array | null = profile[0].values.payload;
// @ts-expect-error a misspelled feature
rows[0].values.fair;
// @ts-expect-error a wrong value type: Int64 is bigint
const asNumber: number = rows[0].values.trips;
// @ts-expect-error a misspelled join key
await client.pricing.get({ drivr_id: [1], distance_km: [1] });
// @ts-expect-error missing request data
await client.pricing.get({ driver_id: [1] });
// @ts-expect-error a wrong input type
await client.pricing.get({ driver_id: [1], distance_km: ['far'] });
// @ts-expect-error a feature of another service
profile[0].values.fare;
console.log(fare, trips, id, status, at, seen, tags, bytes, asNumber);
`;

/** The same mistakes without the markers: tsc must fail on exactly these lines. */
const WRONG = `import { createClient } from './client/index.js';

const client = createClient({ baseUrl: 'http://127.0.0.1:6566' });
const rows = await client.pricing.get({ driver_id: [1], distance_km: [10] });
console.log(rows[0].values.fair);
const asNumber: number = rows[0].values.trips;
console.log(asNumber);
`;

describe('generated clients under tsc --strict', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('compiles correct calling code and rejects a misspelled feature and a wrong value type, naming them', async () => {
    const store = openTestStore(join(tmp.dir, 'repo'), { now: new Date('2026-01-01T00:00:00Z') });
    await store.apply(codegenDefinitions().all);
    const registry = new Registry((await store.registryDump())!);
    await store.close();
    const dir = join(tmp.dir, 'app');
    writeGenerated(join(dir, 'client'), generateClients(registry, 'test'));
    prepareClientDir(dir);
    writeFileSync(join(dir, 'correct.ts'), CORRECT);
    writeFileSync(join(dir, 'wrong.ts'), WRONG);

    const r = spawnSync(process.execPath, [TSC, '-p', '.', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
    const errors = r.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    // Generated code and the correct file compile; every @ts-expect-error was needed (else TS2578).
    expect(
      errors.filter((l) => !l.startsWith('wrong.ts')),
      r.stdout,
    ).toEqual([]);
    expect(errors).toEqual([
      "wrong.ts(5,28): error TS2339: Property 'fair' does not exist on type 'PricingValues'.",
      "wrong.ts(6,7): error TS2322: Type 'bigint | null' is not assignable to type 'number'.",
    ]);
    expect(r.status).toBe(2);
  }, 180_000);
});
