import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { checkpointRoot } from '../../layout/s3-layout.js';
import type { CheckpointStore, ChunkResult, MaterializationRun } from '../materialization-source.js';

const isPreconditionFailure = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'PreconditionFailed' || e?.$metadata?.httpStatusCode === 412 || e?.$metadata?.httpStatusCode === 409;
};

/**
 * Materialization checkpoints as S3 objects under `<prefix>/_materialize/<view>/<start>-<end>/`:
 * `run.json` (the plan, created with If-None-Match so concurrent planners agree on one),
 * `items-<gen>.json` (the chunk indexes, read by the Step Functions Distributed Map) and one
 * `done/<gen>-<index>.json` per finished chunk (no shared document for workers to contend on).
 */
export class S3CheckpointStore implements CheckpointStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  private base(runId: string): string {
    return `${checkpointRoot(this.prefix)}${runId}/`;
  }

  private async getJson<T>(key: string): Promise<T | undefined> {
    try {
      const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return JSON.parse(await r.Body!.transformToString()) as T;
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  private async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const r = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of r.Contents ?? []) keys.push(o.Key!);
      token = r.NextContinuationToken;
    } while (token);
    return keys;
  }

  private put(key: string, body: unknown, ifNoneMatch = false) {
    return this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(body),
        ContentType: 'application/json',
        ...(ifNoneMatch ? { IfNoneMatch: '*' } : {}),
      }),
    );
  }

  async openRuns(view: string): Promise<MaterializationRun[]> {
    const viewDir = this.base(view.replace(/[^A-Za-z0-9_.@-]/g, '_'));
    const runs: MaterializationRun[] = [];
    for (const key of await this.list(viewDir)) {
      if (!key.endsWith('/run.json')) continue;
      const run = await this.getJson<MaterializationRun>(key);
      if (run) runs.push(run);
    }
    return runs.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  }

  getRun(runId: string): Promise<MaterializationRun | undefined> {
    return this.getJson<MaterializationRun>(`${this.base(runId)}run.json`);
  }

  async createRun(run: MaterializationRun): Promise<MaterializationRun> {
    try {
      await this.put(`${this.base(run.runId)}run.json`, run, true);
      return run;
    } catch (err) {
      if (!isPreconditionFailure(err)) throw err;
      return (await this.getRun(run.runId)) ?? run;
    }
  }

  async replan(run: MaterializationRun): Promise<void> {
    await this.put(`${this.base(run.runId)}run.json`, run);
  }

  async doneChunks(run: MaterializationRun): Promise<Map<number, ChunkResult>> {
    const out = new Map<number, ChunkResult>();
    const dir = `${this.base(run.runId)}done/${run.generation}-`;
    const keys = await this.list(dir);
    // Markers are tiny; read them a few at a time.
    for (let i = 0; i < keys.length; i += 32) {
      await Promise.all(
        keys.slice(i, i + 32).map(async (k) => {
          const r = await this.getJson<ChunkResult>(k);
          if (r) out.set(Number(k.slice(dir.length).replace(/\.json$/, '')), r);
        }),
      );
    }
    return out;
  }

  async markDone(run: MaterializationRun, index: number, result: ChunkResult): Promise<void> {
    await this.put(`${this.base(run.runId)}done/${run.generation}-${index}.json`, result);
  }

  async closeRun(run: MaterializationRun): Promise<void> {
    // run.json goes last: until then the run is still found (and finishing it again is harmless).
    const keys = (await this.list(this.base(run.runId))).sort((a, b) => Number(a.endsWith('/run.json')) - Number(b.endsWith('/run.json')));
    for (let i = 0; i < keys.length; i += 1000) {
      await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })) } }));
    }
  }

  /** Written from the stored plan each time (idempotent), so it always matches the run that won. */
  async publishItems(run: MaterializationRun): Promise<{ bucket: string; key: string }> {
    const key = `${this.base(run.runId)}items-${run.generation}.json`;
    await this.put(
      key,
      run.chunks.map((c) => ({ chunk: c.index })),
    );
    return { bucket: this.bucket, key };
  }
}
