import { describe, expect, it } from 'vitest';
import { InternalError, ValidationError } from '../../shared/errors.js';
import { LazyOfflineStore } from '../../shared/offline/lazy-offline-store.js';
import type { CheckpointStore } from '../../shared/offline/materialization-source.js';
import type { OfflineStore } from '../../shared/offline/offline-store.js';

type Engine = Omit<OfflineStore, 'readLatestColumnsFrom'>;

/** An engine that records each call (member and arguments) and answers with a value naming it. */
function recordingEngine(calls: unknown[][]): Engine {
  const answer =
    (name: string) =>
    async (...args: unknown[]) => (calls.push([name, ...args]), `${name} answer`);
  const rows = (name: string) =>
    async function* (...args: unknown[]) {
      calls.push([name, ...args]);
      yield [`${name} chunk`] as never;
    };
  return {
    getHistoricalFeatures: answer('getHistoricalFeatures') as never,
    readLatest: rows('readLatest'),
    listSourceFiles: answer('listSourceFiles') as never,
    readLatestFrom: rows('readLatestFrom'),
    readEventsFrom: rows('readEventsFrom'),
    checkpoints: () => {
      throw new Error('the engine is not asked for checkpoints');
    },
    compact: answer('compact') as never,
    stagePush: answer('stagePush') as never,
    writeTable: answer('writeTable') as never,
    datasetExporter: {
      assertOutput: () => {
        throw new Error('the engine is not asked to check outputs');
      },
      prepare: answer('prepare') as never,
      run: answer('run') as never,
      finalize: answer('finalize') as never,
      describe: answer('describe') as never,
    },
    close: async () => void calls.push(['close']),
  };
}

const checkpoints = {} as CheckpointStore;
const refuse = (uri: string) => {
  if (!uri.startsWith('s3://b/datasets/')) throw new ValidationError(`output_uri must be under s3://b/datasets/, got '${uri}'`, []);
};

async function drain<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

describe('LazyOfflineStore: the engine loads on first use', () => {
  it('answers checkpoints and output checks without loading; close before any use loads nothing', async () => {
    let loads = 0;
    const store = new LazyOfflineStore(async () => (loads++, recordingEngine([])), { checkpoints: () => checkpoints, assertDatasetOutput: refuse });
    expect(store.checkpoints()).toBe(checkpoints);
    expect(() => store.datasetExporter!.assertOutput('s3://other/x/')).toThrow(ValidationError);
    store.datasetExporter!.assertOutput('s3://b/datasets/x/');
    await store.close();
    expect(loads).toBe(0);
    // No capability is guessed before loading.
    expect('readLatestColumnsFrom' in store).toBe(false);
  });

  it('loads once when the first calls race, and forwards every member with its arguments and answer', async () => {
    const calls: unknown[][] = [];
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const store = new LazyOfflineStore(
      async () => {
        loads++;
        await gate;
        return recordingEngine(calls);
      },
      { checkpoints: () => checkpoints, assertDatasetOutput: refuse },
    );
    const view = { name: 'v' } as never;
    const [t0, t1] = [new Date(0), new Date(1000)];
    const files = [{ path: 'a', bytes: 1 }] as never;
    // Both start before the load resolves.
    const first = Promise.all([store.listSourceFiles(view, t0, t1), store.getHistoricalFeatures({ features: ['v:f'] } as never, undefined)]);
    release();
    expect(await first).toEqual(['listSourceFiles answer', 'getHistoricalFeatures answer']);
    expect(loads).toBe(1);
    expect(await drain(store.readLatest(view, t0, t1))).toEqual([['readLatest chunk']]);
    expect(await drain(store.readLatestFrom(view, files, t0, t1))).toEqual([['readLatestFrom chunk']]);
    expect(await drain(store.readEventsFrom(view, files, t0, t1))).toEqual([['readEventsFrom chunk']]);
    expect(await store.compact(view, { targetBytes: 5 } as never)).toBe('compact answer');
    expect(await store.stagePush([view], [{ a: 1 }])).toBe('stagePush answer');
    await store.writeTable([{ name: 'a' }], [{ a: 1 }], { path: 'p', format: 'csv' });
    const exporter = store.datasetExporter!;
    expect(await exporter.prepare({ features: ['v:f'] } as never, 's3://b/datasets/x/')).toBe('prepare answer');
    await exporter.run({ id: 'i', statement: 's' });
    await exporter.finalize({ table: 't', stagePrefix: 'p' });
    expect(await exporter.describe('s3://b/datasets/x/')).toBe('describe answer');
    expect(loads).toBe(1);
    expect(calls).toEqual([
      ['listSourceFiles', view, t0, t1],
      ['getHistoricalFeatures', { features: ['v:f'] }, undefined],
      ['readLatest', view, t0, t1],
      ['readLatestFrom', view, files, t0, t1],
      ['readEventsFrom', view, files, t0, t1],
      ['compact', view, { targetBytes: 5 }],
      ['stagePush', [view], [{ a: 1 }]],
      ['writeTable', [{ name: 'a' }], [{ a: 1 }], { path: 'p', format: 'csv' }],
      ['prepare', { features: ['v:f'] }, 's3://b/datasets/x/'],
      ['run', { id: 'i', statement: 's' }],
      ['finalize', { table: 't', stagePrefix: 'p' }],
      ['describe', 's3://b/datasets/x/'],
    ]);
  });

  it('an engine without the dataset exporter its provider promised is an internal error (500), not a crash', async () => {
    const { datasetExporter: _, ...engine } = recordingEngine([]);
    const store = new LazyOfflineStore(async () => engine, { checkpoints: () => checkpoints, assertDatasetOutput: refuse });
    await expect(store.datasetExporter!.describe('s3://b/datasets/x/')).rejects.toBeInstanceOf(InternalError);
  });

  it('close during the load waits for it and closes the engine', async () => {
    const calls: unknown[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const store = new LazyOfflineStore(async () => (await gate, recordingEngine(calls)), { checkpoints: () => checkpoints });
    const using = store.listSourceFiles({} as never, new Date(0), new Date(1));
    const closing = store.close();
    release();
    await closing;
    // Closed by the time close() resolves.
    expect(calls.map((c) => c[0])).toContain('close');
    await using;
  });

  it('does not remember a failed load: the next call loads again; close after a failure is harmless', async () => {
    let attempts = 0;
    const store = new LazyOfflineStore(
      async () => {
        if (++attempts === 1) throw new Error('client constructor failed');
        return recordingEngine([]);
      },
      { checkpoints: () => checkpoints },
    );
    await expect(store.listSourceFiles({} as never, new Date(0), new Date(1))).rejects.toThrow('client constructor failed');
    await store.close();
    await expect(store.listSourceFiles({} as never, new Date(0), new Date(1))).resolves.toBe('listSourceFiles answer');
    expect(attempts).toBe(2);
    // No output check given: no dataset exporter, as a store without one.
    expect(store.datasetExporter).toBeUndefined();
  });
});
