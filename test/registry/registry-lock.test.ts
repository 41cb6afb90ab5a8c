import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../shared/errors.js';
import { LocalRegistryStore, type LockEvent } from '../../shared/registry/local-registry-store.js';
import type { RegistryData } from '../../shared/registry/types.js';
import { tempDir } from '../helpers/tmp.js';

/** A process id that no longer runs (a child that has exited). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

/** What a killed `apply` leaves behind: the lock directory and its holder record. */
function leaveLock(dir: string, holder: { pid: number; host: string }) {
  mkdirSync(join(dir, 'registry.json.lock'));
  writeFileSync(join(dir, 'registry.json.lock.holder'), JSON.stringify({ ...holder, since: '2024-01-01T00:00:00.000Z' }));
}

const bump = (current: RegistryData | undefined) => ({ next: { ...(current ?? ({} as RegistryData)) }, result: 'done' });

describe('Class: LocalRegistryStore — the lock of a killed process (issue 11 item 14)', () => {
  let tmp = tempDir();
  afterEach(() => (tmp.cleanup(), (tmp = tempDir())));

  it('takes over at once from a holder on this host whose process is gone, and says so', async () => {
    const pid = await deadPid();
    leaveLock(tmp.dir, { pid, host: hostname() });
    const events: LockEvent[] = [];
    const store = new LocalRegistryStore(join(tmp.dir, 'registry.json'), { onLockEvent: (e) => events.push(e) });
    await expect(store.update(bump)).resolves.toBe('done');
    expect(events).toEqual([{ type: 'took-over', holder: { pid, host: hostname(), since: '2024-01-01T00:00:00.000Z' } }]);
    expect((await store.read())!.serial).toBe(1);
  });

  it('waits for a live holder, says what it waits for, and names it if it outlasts the wait', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      leaveLock(tmp.dir, { pid: sleeper.pid!, host: hostname() });
      const events: LockEvent[] = [];
      const store = new LocalRegistryStore(join(tmp.dir, 'registry.json'), { lockWaitMs: 300, onLockEvent: (e) => events.push(e) });
      const err = await store.update(bump).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConflictError);
      expect((err as Error).message).toMatch(new RegExp(`locked by pid ${sleeper.pid} on host ${hostname()}`));
      expect(events).toEqual([{ type: 'waiting', holder: expect.objectContaining({ pid: sleeper.pid }) }]);
    } finally {
      sleeper.kill();
    }
  });

  it('does not take over a lock recorded by another host (its pids mean nothing here)', async () => {
    leaveLock(tmp.dir, { pid: await deadPid(), host: 'another-host' });
    const store = new LocalRegistryStore(join(tmp.dir, 'registry.json'), { lockWaitMs: 200, onLockEvent: () => undefined });
    await expect(store.update(bump)).rejects.toThrow(/locked by pid \d+ on host another-host/);
  });
});
