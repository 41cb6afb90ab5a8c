import cluster, { type Worker } from 'node:cluster';

export interface WorkersOptions {
  /** Worker processes to fork (each runs this same command and serves the shared port). */
  workers: number;
  /** Node options of the workers (default: this process's). */
  execArgv?: readonly string[];
  /** Replacements allowed within `restartWindowMs` before a crash loop stops the pool (default 5 in 60 s). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Told once, when every worker listens: the port they share. */
  onListening: (port: number) => void;
  /** Where to tell what happens to workers (default: stderr). */
  log?: (message: string) => void;
}

/**
 * The primary of `serve` (node:cluster): forks N copies of this command, which share one listening
 * socket, so lookups use every core. A worker that dies after it served is replaced; one that dies
 * before it ever listened (a taken port, a broken repo: it has said why) stops them all, and so
 * do more than `maxRestarts` deaths within `restartWindowMs` (a crash loop is left to the caller's
 * supervisor, which sees the exit code, rather than forked forever). Resolves once every worker is
 * gone, with 0 after SIGINT / SIGTERM, or with the failed worker's exit code.
 */
export function runPrimary(o: WorkersOptions): Promise<number> {
  const log = o.log ?? ((m: string) => console.error(m));
  const listened = new WeakSet<Worker>();
  let stopping = false;
  let listening = 0;
  let exitCode = 0;
  const maxRestarts = o.maxRestarts ?? 5;
  const window = o.restartWindowMs ?? 60_000;
  const restarts: number[] = [];
  return new Promise((resolve) => {
    const live = new Set<Worker>();
    const stopAll = () => {
      stopping = true;
      if (!live.size) resolve(exitCode);
      for (const w of live) w.process.kill('SIGTERM');
    };
    const fork = () => {
      const w = cluster.fork();
      live.add(w);
      w.on('listening', (address) => {
        listened.add(w);
        // Announced when all are up, so a caller's first requests never meet a half-started pool.
        if (++listening === o.workers) o.onListening(address.port);
      });
      w.on('exit', (code, signal) => {
        live.delete(w);
        if (stopping) {
          if (!live.size) resolve(exitCode);
          return;
        }
        if (!listened.has(w)) {
          // Its own error message is already out; a worker killed by a signal has none.
          if (signal) log(`serve worker ${w.process.pid} exited (${signal}) before it listened`);
          exitCode = code || 1;
          stopAll();
          return;
        }
        const now = Date.now();
        restarts.push(now);
        while (restarts[0] <= now - window) restarts.shift();
        if (restarts.length > maxRestarts) {
          log(`serve worker ${w.process.pid} exited (${signal ?? `code ${code}`}); ${restarts.length} deaths within ${window / 1000} s: stopping`);
          exitCode = code || 1;
          stopAll();
          return;
        }
        log(`serve worker ${w.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
        fork();
      });
    };
    if (o.execArgv) cluster.setupPrimary({ execArgv: [...o.execArgv] });
    for (let i = 0; i < o.workers; i++) fork();
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);
  });
}

/**
 * MiB of each of V8's two young-generation semi-spaces in a serving process (Node's default: 16).
 * A lookup allocates a few tens of KB that die with its response (~35 KB for one entity through
 * HTTP); with 16 MiB the young generation filled every ~350 one-entity lookups, and each collection
 * paused the request in flight for 1–2 ms. 64 MiB collects a quarter as often: in three runs of
 * 6–8 interleaved 3 s rounds against the same floor, the 1-connection p99 went from 2.35–2.48× the
 * floor's to 1.83–2.10× (bench/online-serve.ts, docs/performance.md). The cost is memory: up to
 * 128 MiB of young generation per worker.
 */
export const SERVE_SEMI_SPACE_MB = 64;

/** The workers' Node options: this process's, plus the serving semi-space unless the user set one (`node --max-semi-space-size`, NODE_OPTIONS). */
export function serveExecArgv(execArgv: readonly string[], nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  // NODE_OPTIONS may quote its entries ("--max-semi-space-size=8").
  const given = [...execArgv, ...nodeOptions.split(/\s+/).map((a) => a.replace(/^["']/, ''))].some((a) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(a));
  return given ? [...execArgv] : [...execArgv, `--max-semi-space-size=${SERVE_SEMI_SPACE_MB}`];
}

/** True in a process forked by `runPrimary`. */
export const isServeWorker = (): boolean => cluster.isWorker;

/** Lets a stopped worker exit: its channel to the primary would keep it alive. */
export function leaveCluster(): void {
  if (cluster.isWorker) cluster.worker?.disconnect();
}
