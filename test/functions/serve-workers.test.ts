import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVE_SEMI_SPACE_MB, serveExecArgv } from '../../functions/dev-server/workers.js';
import { Entity, FeatureView, Field, FileSource, Float64, PushSource, String as Str } from '../../shared/definitions/index.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const BIN = join(import.meta.dirname, '../../cli/bin.js');

/** One POST on a connection of its own, so the cluster hands each to a worker afresh. */
function post(port: number, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/get-online-features', method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The node processes `pid` started (not the esbuild service the TypeScript loader runs). */
const children = (pid: number): number[] =>
  execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([p, comm]) => Number(p) > 0 && comm === 'node')
    .map(([p]) => Number(p));

describe('serve --workers', () => {
  const tmp = tempDir();
  const user = new Entity({ name: 'user_id', valueType: Str });
  const view = new FeatureView({
    name: 'scores',
    entities: [user],
    ttl: 0,
    schema: [new Field({ name: 'a', dtype: Float64 }), new Field({ name: 'b', dtype: Float64 })],
    source: new PushSource({ name: 'scores_push', batchSource: new FileSource({ path: 'data/scores', timestampField: 'event_timestamp' }) }),
  });
  let store: FeatureStore;
  let server: ChildProcess;
  let stderr = '';
  let port = 0;

  beforeAll(async () => {
    writeFileSync(join(tmp.dir, 'skewless.json'), JSON.stringify({ project: 'workers' }));
    store = await FeatureStore.open(tmp.dir);
    await store.apply([user, view]);
    await store.push({
      pushSourceName: 'scores_push',
      rows: Array.from({ length: 20 }, (_, i) => ({ user_id: `u${i}`, event_timestamp: '2024-01-01T00:00:00Z', a: i / 3, b: i % 4 ? i * 1e10 : null })),
    });
    server = spawn(process.execPath, [BIN, '--repo', tmp.dir, 'serve', '--port', '0', '--workers', '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
    port = await new Promise<number>((resolve, reject) => {
      server.stderr!.on('data', (d: Buffer) => {
        stderr += d;
        const m = /http:\/\/127\.0\.0\.1:(\d+) with 2 workers/.exec(stderr);
        if (m) resolve(Number(m[1]));
      });
      server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
  }, 150_000);
  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await store.close();
    tmp.cleanup();
  });

  it('answers lookups from two worker processes, byte for byte what the library answers', async () => {
    const pids = children(server.pid!);
    expect(pids).toHaveLength(2);
    for (let i = 0; i < 12; i++) {
      const req = { features: ['scores:a', 'scores:b'], entities: { user_id: [`u${i}`, 'nobody', `u${i + 5}`] } };
      const res = await post(port, JSON.stringify(req));
      expect(res.status).toBe(200);
      expect(res.body).toBe(JSON.stringify(await store.getOnlineFeatures(req)));
    }
  });

  it('replaces a worker that dies, keeps answering, and stops every worker on SIGTERM', async () => {
    const [victim, other] = children(server.pid!);
    process.kill(victim, 'SIGKILL');
    await expect.poll(() => stderr, { timeout: 60_000 }).toContain(`serve worker ${victim} exited (SIGKILL); starting another`);
    await expect.poll(() => children(server.pid!).length, { timeout: 60_000 }).toBe(2);
    expect(children(server.pid!)).toContain(other);
    const res = await post(port, JSON.stringify({ features: ['scores:a'], entities: { user_id: ['u3'] } }));
    expect(JSON.parse(res.body).results[1]).toEqual({ values: [1], statuses: ['PRESENT'], event_timestamps: ['2024-01-01T00:00:00.000Z'] });
    const workers = children(server.pid!);
    const exit = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exit).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 150_000);

  it('refuses a worker count that is not a positive integer, naming the option', () => {
    const r = cli(['--repo', tmp.dir, 'serve', '--workers', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--workers.*expected an integer from 1 to 64.*'0'/s);
  });
});

describe('serve (one worker)', () => {
  const tmp = tempDir();
  beforeAll(async () => {
    writeFileSync(join(tmp.dir, 'skewless.json'), JSON.stringify({ project: 'lone' }));
    const store = await FeatureStore.open(tmp.dir);
    await store.close();
  });
  afterAll(() => tmp.cleanup());

  /** Starts `serve` with `env`; resolves with the process and its stderr once it announced its port. */
  /** Starts `serve` with `env` (in a process group of its own with `detached`); resolves once it announced its port. */
  async function start(env: NodeJS.ProcessEnv = {}, detached = false) {
    const child = spawn(process.execPath, [BIN, '--repo', tmp.dir, 'serve', '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
      detached,
    });
    const out = { stderr: '' };
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        out.stderr += d;
        const m = /skewless serving lone on http:\/\/127\.0\.0\.1:(\d+)/.exec(out.stderr);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out.stderr}`)));
    });
    return { child, port, out };
  }
  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

  it('stops once on a Ctrl-C (SIGINT to the whole process group: primary and worker), exiting 0 without an error', async () => {
    const { child, out } = await start({}, true);
    try {
      const [worker] = children(child.pid!);
      const exit = exited(child);
      process.kill(-child.pid!, 'SIGINT');
      expect(await exit).toBe(0);
      expect(() => process.kill(worker, 0)).toThrow();
      expect(out.stderr).not.toMatch(/error|unhandled/i);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 60_000);

  it('gives up a crash loop: a sixth worker death within a minute stops serve with a non-zero code', async () => {
    const { child, out } = await start();
    try {
      const exit = exited(child);
      const served = () => out.stderr.split('skewless serving lone on').length - 1;
      for (let death = 1; death <= 6; death++) {
        // Each replacement is killed once it serves (one killed before it listens stops serve at once: a start failure).
        await expect.poll(served, { timeout: 30_000 }).toBe(death);
        const [victim] = children(child.pid!);
        process.kill(victim, 'SIGKILL');
      }
      expect(await exit).not.toBe(0);
      expect(out.stderr).toMatch(/6 deaths within 60 s: stopping/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 150_000);

  const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

  it(`serves from a worker whose young generation is sized for serving (${SERVE_SEMI_SPACE_MB} MiB semi-spaces), and stops it on SIGTERM`, async () => {
    const { child, port } = await start();
    try {
      const [worker] = children(child.pid!);
      expect(children(child.pid!)).toHaveLength(1);
      expect(cmdline(worker)).toContain(`--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`);
      const res = await post(port, JSON.stringify({ features: ['nothing:here'], entities: { user_id: ['u1'] } }));
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe('VALIDATION_ERROR');
      const exit = exited(child);
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(() => process.kill(worker, 0)).toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);

  it("keeps the user's own semi-space size (NODE_OPTIONS)", async () => {
    const { child } = await start({ NODE_OPTIONS: '--max-semi-space-size=8' });
    const exit = exited(child);
    try {
      const [worker] = children(child.pid!);
      expect(cmdline(worker).some((a) => a.startsWith('--max-semi-space-size'))).toBe(false);
    } finally {
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    }
  }, 60_000);

  it.each([1, 2])(
    'exits with the error (not hanging) when its %i worker(s) cannot start: not a feature repo',
    async (workers) => {
      const empty = tempDir();
      try {
        // A hang is killed at 30 s and reads as code -1.
        const { code, stderr } = cli(['--repo', empty.dir, 'serve', '--port', '0', '--workers', String(workers)], undefined, 30_000);
        expect(code).toBe(1);
        expect(stderr).toMatch(/no skewless\.json in /);
      } finally {
        empty.cleanup();
      }
    },
    60_000,
  );

  it('adds the serving semi-space to the Node options unless one is given', () => {
    expect(serveExecArgv(['--enable-source-maps'], '')).toEqual(['--enable-source-maps', `--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`]);
    expect(serveExecArgv(['--max-semi-space-size=8'], '')).toEqual(['--max-semi-space-size=8']);
    expect(serveExecArgv([], '--inspect --max_semi_space_size=4')).toEqual([]);
    expect(serveExecArgv([], '--max-old-space-size=4096')).toEqual([`--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`]);
    expect(serveExecArgv([], '"--max-semi-space-size=8"')).toEqual([]);
    expect(serveExecArgv(['--max-semi-space-size', '8'], '')).toEqual(['--max-semi-space-size', '8']);
  });
});
