import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore, ChunkResult, MaterializationRun } from '../materialization-source.js';

/** Materialization checkpoints as files under `<dataDir>/materialize/<view>/<start>-<end>/` (same layout as in S3). */
export class FileCheckpointStore implements CheckpointStore {
  constructor(private readonly dir: string) {}

  private base(runId: string): string {
    return join(this.dir, runId);
  }

  private async readJson<T>(path: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** temp file + rename: a checkpoint is either whole or absent, even after kill -9. */
  private async writeJson(path: string, body: unknown): Promise<void> {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(body));
    await rename(tmp, path);
  }

  async openRuns(view: string): Promise<MaterializationRun[]> {
    const viewDir = join(this.dir, view.replace(/[^A-Za-z0-9_.@-]/g, '_'));
    const names = await readdir(viewDir).catch(() => [] as string[]);
    const runs = await Promise.all(names.map((n) => this.readJson<MaterializationRun>(join(viewDir, n, 'run.json'))));
    return runs.filter((r): r is MaterializationRun => !!r).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  }

  getRun(runId: string): Promise<MaterializationRun | undefined> {
    return this.readJson<MaterializationRun>(join(this.base(runId), 'run.json'));
  }

  async createRun(run: MaterializationRun): Promise<MaterializationRun> {
    await mkdir(join(this.base(run.runId), 'done'), { recursive: true });
    try {
      await writeFile(join(this.base(run.runId), 'run.json'), JSON.stringify(run), { flag: 'wx' });
      return run;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return (await this.getRun(run.runId)) ?? run;
    }
  }

  async replan(run: MaterializationRun): Promise<void> {
    await this.writeJson(join(this.base(run.runId), 'run.json'), run);
  }

  async doneChunks(run: MaterializationRun): Promise<Map<number, ChunkResult>> {
    const dir = join(this.base(run.runId), 'done');
    const prefix = `${run.generation}-`;
    const out = new Map<number, ChunkResult>();
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
      const r = await this.readJson<ChunkResult>(join(dir, name));
      if (r) out.set(Number(name.slice(prefix.length, -'.json'.length)), r);
    }
    return out;
  }

  async markDone(run: MaterializationRun, index: number, result: ChunkResult): Promise<void> {
    await mkdir(join(this.base(run.runId), 'done'), { recursive: true });
    await this.writeJson(join(this.base(run.runId), 'done', `${run.generation}-${index}.json`), result);
  }

  async closeRun(run: MaterializationRun): Promise<void> {
    await rm(this.base(run.runId), { recursive: true, force: true });
  }
}
