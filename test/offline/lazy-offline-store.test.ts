import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.js';
import { LazyOfflineStore } from '../../shared/offline/lazy-offline-store.js';
import type { CheckpointStore } from '../../shared/offline/materialization-source.js';
import type { OfflineStore } from '../../shared/offline/offline-store.js';

/** An engine answering what the lazy store forwards, counting its loads and closes. */
function engine(log: string[]): OfflineStore {
  return {
    getHistoricalFeatures: async () => ({ rows: [], columns: [] }) as never,
    readLatest: async function* () {
      yield [{ entityKey: 'k', values: {}, eventTs: 1, createdTs: 1 }] as never;
    },
    listSourceFiles: async () => [{ path: 'a', bytes: 1 }] as never,
    readLatestFrom: async function* () {},
    readEventsFrom: async function* () {},
    checkpoints: () => {
      throw new Error('the engine is not asked for checkpoints');
    },
    compact: async () => ({}) as never,
    stagePush: async () => ({}) as never,
    writeTable: async () => undefined,
    datasetExporter: {
      assertOutput: () => {
        throw new Error('the engine is not asked to check outputs');
      },
      prepare: async () => ({}) as never,
      run: async () => undefined,
      finalize: async () => undefined,
      describe: async (uri) => ({ s3Uri: uri, files: 1, rowCount: 7, schema: [] }) as never,
    },
    close: async () => void log.push('close'),
  };
}

const checkpoints = {} as CheckpointStore;
const refuse = (uri: string) => {
  if (!uri.startsWith('s3://b/datasets/')) throw new ValidationError(`output_uri must be under s3://b/datasets/, got '${uri}'`, []);
};

describe('LazyOfflineStore: the engine loads on first use', () => {
  it('answers checkpoints and output checks without loading, and loads once for any number of calls', async () => {
    const log: string[] = [];
    const store = new LazyOfflineStore(async () => (log.push('load'), engine(log)), { checkpoints: () => checkpoints, assertDatasetOutput: refuse });
    expect(store.checkpoints()).toBe(checkpoints);
    expect(() => store.datasetExporter!.assertOutput('s3://other/x/')).toThrow(ValidationError);
    store.datasetExporter!.assertOutput('s3://b/datasets/x/');
    await store.close();
    expect(log).toEqual([]);
    const chunks: unknown[] = [];
    for await (const c of store.readLatest({} as never, new Date(0), new Date(1))) chunks.push(c);
    expect(chunks).toHaveLength(1);
    expect(await Promise.all([store.listSourceFiles({} as never, new Date(0), new Date(1)), store.datasetExporter!.describe('s3://b/datasets/x/')])).toEqual([
      [{ path: 'a', bytes: 1 }],
      { s3Uri: 's3://b/datasets/x/', files: 1, rowCount: 7, schema: [] },
    ]);
    await store.close();
    expect(log).toEqual(['load', 'close']);
  });

  it('retries a failed load on the next call instead of remembering the failure', async () => {
    let attempts = 0;
    const store = new LazyOfflineStore(
      async () => {
        if (++attempts === 1) throw new Error('cold network');
        return engine([]);
      },
      { checkpoints: () => checkpoints },
    );
    await expect(store.listSourceFiles({} as never, new Date(0), new Date(1))).rejects.toThrow('cold network');
    await expect(store.listSourceFiles({} as never, new Date(0), new Date(1))).resolves.toHaveLength(1);
    expect(attempts).toBe(2);
    // No output check given: no dataset exporter, as a store without one.
    expect(store.datasetExporter).toBeUndefined();
  });
});
