import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/config.js';
import { FeatureView, Field, FileSource, Int64 } from '../../shared/definitions/index.js';
import { FeatureStore } from '../../shared/feature-store.js';
import type { BatchEngine, DatasetExporter, ExportRequest } from '../../shared/offline/capabilities.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { computeView } from '../../shared/services/compute.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

const NOW = new Date('2026-03-10T12:00:00Z');

/** A dataset exporter that records what the service asks of it. */
function recordingExporter() {
  const calls: { op: string; args: unknown[] }[] = [];
  const exporter: DatasetExporter = {
    assertOutput: (uri) => void calls.push({ op: 'assertOutput', args: [uri] }),
    prepare: async (request: ExportRequest, outputUri: string) => {
      calls.push({ op: 'prepare', args: [request, outputUri] });
      return {
        id: 'abc',
        statement: 'UNLOAD (SELECT 1) TO ...',
        table: 'stage_t',
        stagePrefix: 'p/_staging/abc/',
        outputUri: `${outputUri}run-abc/`,
        rowCount: 2,
        columns: ['user_id', 'event_timestamp', 'sessions'],
      };
    },
    run: async (p) => void calls.push({ op: 'run', args: [p] }),
    finalize: async (p) => void calls.push({ op: 'finalize', args: [p] }),
    describe: async (uri) => (
      calls.push({ op: 'describe', args: [uri] }), { s3Uri: uri, files: 1, rowCount: 2, schema: [{ name: 'sessions', type: 'INT64' }] }
    ),
  };
  return { exporter, calls };
}

describe('Offline store capabilities: services ask the store, never name a provider', () => {
  let tmp: ReturnType<typeof tempDir>;
  const defs = testDefinitions();
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.cleanup());

  function storeWith(exporter?: DatasetExporter, batchEngine?: BatchEngine): FeatureStore {
    const offline = new LocalOfflineStore({ repoDir: tmp.dir });
    if (exporter) Object.assign(offline, { datasetExporter: exporter });
    return new FeatureStore(
      parseConfig({ project: 'test', registryCacheSeconds: 0 }, tmp.dir, {}),
      {
        registryStore: new LocalRegistryStore(join(tmp.dir, '.skewless/registry.json')),
        online: new SqliteOnlineStore(join(tmp.dir, '.skewless/online.sqlite')),
        offline,
        ...(batchEngine ? { batchEngine } : {}),
      },
      { now: () => NOW },
    );
  }

  it('a store without a dataset exporter refuses the training workflow with 400 UNSUPPORTED', async () => {
    const store = openTestStore(tmp.dir, { now: NOW });
    await store.apply(defs.all);
    const req = { features: ['activity:sessions'], entityRows: [{ user_id: 'a', event_timestamp: NOW }], outputUri: 's3://b/datasets/x/' };
    await expect(store.prepareTrainingDataset(req)).rejects.toMatchObject({ code: 'UNSUPPORTED', status: 400 });
    await expect(store.finishTrainingDataset({ name: 'x', features: [], table: 't', stagePrefix: 'p/', outputUri: 's3://b/x/' }, true)).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      status: 400,
    });
    await store.close();
  });

  it('prepare: checks the output, hands entity, views and output to the exporter, returns the workflow contract', async () => {
    const { exporter, calls } = recordingExporter();
    const store = storeWith(exporter);
    await store.apply(defs.all);
    const prepared = await store.prepareTrainingDataset({
      features: ['activity:sessions'],
      entitySource: { uri: 's3://b/in.csv', format: 'csv' },
      outputUri: 's3://b/datasets/train/',
    });
    expect(prepared).toEqual({
      name: 'train',
      features: ['activity:sessions'],
      queryString: 'UNLOAD (SELECT 1) TO ...',
      clientRequestToken: 'abc',
      table: 'stage_t',
      stagePrefix: 'p/_staging/abc/',
      outputUri: 's3://b/datasets/train/run-abc/',
      rowCount: 2,
      columns: ['user_id', 'event_timestamp', 'sessions'],
    });
    expect(calls.map((c) => c.op)).toEqual(['assertOutput', 'prepare']);
    const [request, outputUri] = calls[1].args as [ExportRequest, string];
    expect(outputUri).toBe('s3://b/datasets/train/');
    expect(request.entity).toEqual({ path: 's3://b/in.csv', format: 'csv' });
    expect(request.views.map((v) => v.view.name)).toEqual(['activity']);
    expect(request.outputs).toEqual([{ view: request.views[0].key, feature: 'sessions', name: 'sessions' }]);
    await store.close();
  });

  it('finish: drops staging, describes the output and registers the dataset; a failed run is only cleaned up', async () => {
    const { exporter, calls } = recordingExporter();
    const store = storeWith(exporter);
    await store.apply(defs.all);
    const prepared = {
      name: 'train',
      features: ['activity:sessions'],
      table: 'stage_t',
      stagePrefix: 'p/_staging/abc/',
      outputUri: 's3://b/datasets/train/run-abc/',
    };
    expect(await store.finishTrainingDataset(prepared, false)).toEqual({ status: 'FAILED', outputUri: prepared.outputUri });
    expect(calls.map((c) => c.op)).toEqual(['finalize']);
    const done = await store.finishTrainingDataset(prepared, true);
    expect(done).toMatchObject({ status: 'SUCCEEDED', name: 'train', s3Uri: prepared.outputUri, rowCount: 2 });
    expect(calls.map((c) => c.op)).toEqual(['finalize', 'finalize', 'describe']);
    expect((await store.registryDump())!.datasets!.train).toMatchObject({
      s3Uri: prepared.outputUri,
      rowCount: 2,
      features: ['activity:sessions'],
      createdAt: NOW.toISOString(),
    });
    await store.close();
  });

  describe('computeView: batch transformations run on the provider batch engine', () => {
    const view = (compute: NonNullable<FeatureView['batch']>['compute']) =>
      new FeatureView({
        name: 'daily',
        entities: [defs.user],
        schema: [new Field({ name: 'n', dtype: Int64 })],
        source: new FileSource({ path: 'data/daily', timestampField: 'ts' }),
        batch: { input: 'raw', compute },
      });

    it('refuses with 400 UNSUPPORTED when the provider has no batch engine', async () => {
      await expect(
        computeView(
          undefined,
          view(async () => 0),
          tmp.dir,
          NOW,
        ),
      ).rejects.toMatchObject({ code: 'UNSUPPORTED', status: 400 });
    });

    it("hands the engine's session to the transformation and returns where it wrote", async () => {
      const db = { run: async () => undefined, all: async () => [], copyTo: async () => undefined };
      const engine: BatchEngine = { run: (fn) => fn(db) };
      let seen: unknown;
      const r = await computeView(
        engine,
        view(async (ctx) => ((seen = ctx), 3)),
        tmp.dir,
        NOW,
        new Date('2026-03-10T12:00:01Z'),
      );
      expect(seen).toMatchObject({
        db,
        input: join(tmp.dir, 'raw'),
        asOf: NOW,
        createdAt: new Date('2026-03-10T12:00:01Z'),
        outputPath: join(tmp.dir, 'data/daily', 'asof=2026-03-10T12-00-00-000Z.parquet'),
      });
      expect(r).toEqual({ view: 'daily@v1', asOf: NOW.toISOString(), rows: 3, path: join(tmp.dir, 'data/daily', 'asof=2026-03-10T12-00-00-000Z.parquet') });
    });
  });
});
