import cluster, { type Worker } from 'node:cluster';

export interface WorkersOptions {
  /** Worker processes to fork (each runs this same command and serves the shared port). */
  workers: number;
  /** Told once, when every worker listens: the port they share. */
  onListening: (port: number) => void;
  /** Where to tell what happens to workers (default: stderr). */
  log?: (message: string) => void;
}

/**
 * The primary of `serve --workers N` (node:cluster): forks N copies of this command, which share one
 * listening socket, so lookups use every core. A worker that dies after it served is replaced; one
 * that dies before it ever listened (a taken port, a broken repo) stops them all with its exit code.
 * Resolves once every worker is gone after SIGINT / SIGTERM, or rejects on such a start failure.
 */
export function runPrimary(o: WorkersOptions): Promise<void> {
  const log = o.log ?? ((m: string) => console.error(m));
  const listened = new WeakSet<Worker>();
  let stopping = false;
  let listening = 0;
  return new Promise((resolve, reject) => {
    const live = new Set<Worker>();
    const stopAll = () => {
      stopping = true;
      if (!live.size) resolve();
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
          if (!live.size) resolve();
          return;
        }
        if (!listened.has(w)) {
          stopAll();
          reject(new Error(`serve worker ${w.process.pid} exited (${signal ?? `code ${code}`}) before it listened`));
          return;
        }
        log(`serve worker ${w.process.pid} exited (${signal ?? `code ${code}`}); starting another`);
        fork();
      });
    };
    for (let i = 0; i < o.workers; i++) fork();
    process.once('SIGINT', stopAll);
    process.once('SIGTERM', stopAll);
  });
}

/** True in a process forked by `runPrimary`. */
export const isServeWorker = (): boolean => cluster.isWorker;

/** Lets a stopped worker exit: its channel to the primary would keep it alive. */
export function leaveCluster(): void {
  if (cluster.isWorker) cluster.worker?.disconnect();
}
