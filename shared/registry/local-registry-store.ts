import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { ConflictError } from '../errors.js';
import { sameContent } from './intervals.js';
import type { RegistryStore } from './registry-store.js';
import type { RegistryData } from './types.js';

/** Who holds the registry lock: written beside the lock directory once it is acquired. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

export type LockEvent = { type: 'took-over'; holder: LockHolder } | { type: 'waiting'; holder?: LockHolder };

export interface LocalRegistryStoreOptions {
  /** How long to wait for a live holder before failing with a 409 naming it (default 30 s). */
  lockWaitMs?: number;
  /** Told when the lock of a dead process is taken over, and once when waiting for a live one (default: a line on stderr when waiting). */
  onLockEvent?: (e: LockEvent) => void;
}

const describe = (h?: LockHolder) => (h ? `pid ${h.pid} on host ${h.host} (since ${h.since})` : 'another process (holder not recorded yet)');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Registry in one JSON file, written with temp file + rename under a lock file. */
export class LocalRegistryStore implements RegistryStore {
  readonly location: string;
  private readonly lockPath: string;
  private readonly holderPath: string;
  constructor(
    private readonly path: string,
    private readonly options: LocalRegistryStoreOptions = {},
  ) {
    this.location = path;
    this.lockPath = `${path}.lock`;
    this.holderPath = `${path}.lock.holder`;
  }

  async read(): Promise<RegistryData | undefined> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as RegistryData;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private async holder(): Promise<LockHolder | undefined> {
    try {
      return JSON.parse(await readFile(this.holderPath, 'utf8')) as LockHolder;
    } catch {
      return undefined;
    }
  }

  /**
   * Takes the lock. A holder recorded as a process of this host that no longer runs (a killed
   * `apply`) is taken over at once (issue 11 item 14); a live one is waited for, said once, and
   * named in the 409 if it outlasts `lockWaitMs`.
   */
  private async lock(): Promise<() => Promise<void>> {
    const notify =
      this.options.onLockEvent ??
      ((e: LockEvent) => e.type === 'waiting' && process.stderr.write(`waiting for the registry lock held by ${describe(e.holder)}\n`));
    const deadline = Date.now() + (this.options.lockWaitMs ?? 30_000);
    let told = false;
    for (let attempt = 0; ; attempt++) {
      try {
        // `stale` still frees a lock whose holder left no record (older versions, other hosts).
        const release = await lockfile.lock(dirname(this.path), { lockfilePath: this.lockPath, stale: 30_000, retries: 0 });
        await writeFile(this.holderPath, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() } satisfies LockHolder));
        return async () => {
          await unlink(this.holderPath).catch(() => undefined);
          await release();
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
        const holder = await this.holder();
        if (holder && holder.host === hostname() && holder.pid !== process.pid && !isAlive(holder.pid)) {
          // Only the process that moves the dead holder's record aside removes its lock.
          const aside = `${this.holderPath}.${process.pid}.${randomUUID()}`;
          if (
            await rename(this.holderPath, aside).then(
              (): true => true,
              () => false,
            )
          ) {
            await rm(this.lockPath, { recursive: true, force: true });
            await rm(aside, { force: true });
            notify({ type: 'took-over', holder });
          }
          continue;
        }
        if (Date.now() > deadline)
          throw new ConflictError(`the registry is locked by ${describe(holder)}; if that process is gone, remove ${this.lockPath}`, {
            holder: holder ?? null,
          });
        if (!told) (told = true), notify({ type: 'waiting', ...(holder ? { holder } : {}) });
        await new Promise((r) => setTimeout(r, Math.min(100, 5 * 1.2 ** attempt) * (0.5 + Math.random() / 2)));
      }
    }
  }

  async update<T>(mutate: (current: RegistryData | undefined) => { next: RegistryData; result: T } | Promise<{ next: RegistryData; result: T }>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const release = await this.lock();
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
