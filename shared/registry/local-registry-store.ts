import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { sameContent } from './intervals.js';
import type { RegistryStore } from './registry-store.js';
import type { RegistryData } from './types.js';

/** Registry in one JSON file, written with temp file + rename under a lock file. */
export class LocalRegistryStore implements RegistryStore {
  readonly location: string;
  constructor(private readonly path: string) {
    this.location = path;
  }

  async read(): Promise<RegistryData | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as RegistryData;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async update<T>(mutate: (current: RegistryData | undefined) => { next: RegistryData; result: T } | Promise<{ next: RegistryData; result: T }>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const release = await lockfile.lock(dirname(this.path), {
      lockfilePath: `${this.path}.lock`,
      // Applies are short; a lock older than `stale` belongs to a crashed process.
      stale: 30_000,
      retries: { retries: 400, factor: 1.2, minTimeout: 5, maxTimeout: 100, randomize: true },
    });
    try {
      const current = await this.read();
      const before = current && structuredClone(current);
      const { next, result } = await mutate(current);
      // Nothing changed (e.g. a no-op apply): leave the file as it is.
      if (sameContent(before, next)) return result;
      next.serial = (current?.serial ?? 0) + 1;
      const tmp = `${this.path}.${process.pid}.${randomUUID()}.tmp`;
      try {
        await writeFile(tmp, JSON.stringify(next, null, 2));
        await rename(tmp, this.path);
      } catch (err) {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
      return result;
    } finally {
      await release();
    }
  }
}
