import { describe, expect, it } from 'vitest';
import { DynamoDBOnlineStore } from '../../shared/online/dynamodb-online-store.js';
import { DynamoDBTileStore } from '../../shared/online/tiles/dynamodb-tile-store.js';
import { rowsOf } from '../../shared/online/tiles/tile-set.js';
import { awsForTests, uniqueName } from '../helpers/aws.js';
import { AGGS, checkAgainstOracle, layoutOf } from '../online/tiles/tile-store-contract.js';

const H = 3_600_000;

async function newStore(): Promise<DynamoDBTileStore> {
  const client = awsForTests().dynamodb;
  const table = uniqueName('tiles');
  await DynamoDBOnlineStore.ensureTable(client, table);
  return new DynamoDBTileStore({ client, table });
}

describe('Class: DynamoDBTileStore (moto)', () => {
  it('equals the brute-force oracle with duplicates and out-of-order deliveries (seed 11, hourly tiles)', async () => {
    expect(await checkAgainstOracle(await newStore(), 11, H, 150, 12)).toBe(12 * 5 * AGGS.length);
  });

  it('a retry after a failure between the event and its tile repairs the tile (the event is not counted twice)', async () => {
    const store = await newStore();
    const layout = layoutOf(AGGS, H);
    const e = { entityKey: 'k', event: { id: 'e1', ts: 5 * H + 7, values: { x: 3, m: 'a' } } };
    // The event put succeeds, then the tile rebuild fails (simulated), as in a Lambda timing out.
    const original = (store as unknown as { rebuildTile: () => Promise<void> }).rebuildTile;
    (store as unknown as { rebuildTile: () => Promise<void> }).rebuildTile = async () => {
      throw new Error('boom');
    };
    await expect(store.write('v@v1', layout, [e], new Date(6 * H))).rejects.toThrow(/tile store/);
    (store as unknown as { rebuildTile: () => Promise<void> }).rebuildTile = original;
    const [before] = await store.read('v@v1', layout, ['k'], 10 * H);
    expect(before.tiles.n).toBe(0);
    expect(await store.write('v@v1', layout, [e], new Date(6 * H))).toMatchObject({ written: 0, duplicates: 1 });
    const [after] = await store.read('v@v1', layout, ['k'], 10 * H);
    expect(rowsOf(layout.measures, after.tiles).map((t) => t.partials['count:x'])).toEqual([1]);
  });
});
