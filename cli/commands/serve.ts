import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { FeatureStore } from '../../shared/feature-store.js';
import { ENV } from '../../shared/layout/env.js';
import { startServer } from '../../functions/dev-server/dev-server.js';
import { isServeWorker, leaveCluster, runPrimary, serveExecArgv } from '../../functions/dev-server/workers.js';
import { instantArg } from '../args.js';
import type { GlobalOptions } from '../output.js';

const ROUTES = '(POST /get-online-features, /push, /materialize, /materialize-incremental; GET /health, /freshness)';

interface ServeOptions {
  port: string;
  host: string;
  token?: string;
  now?: string;
  workers: number;
}

/** `--workers`: an integer from 1 to 64. */
function workersArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new InvalidArgumentError(`expected an integer from 1 to 64 (this machine has ${availableParallelism()} cores), got '${value}'`);
  return n;
}

/** One worker's store and server; a lone worker announces itself with what it knows (project, fixed time), a pool is announced by its primary. */
async function startWorker(repo: string, o: ServeOptions) {
  const fixed = o.now ? instantArg(o.now, 'now') : undefined;
  const store = await FeatureStore.open(repo, fixed ? { now: () => fixed } : {});
  try {
    // On-demand transformations run in this process: load the repo's code once. A repo served
    // from its registry alone still serves every stored feature.
    await store.loadDefinitions().catch((err: Error) => console.error(`warning: ${err.message}; on demand features will not be served`));
    const token = o.token ?? process.env[ENV.serveToken];
    const { allowedOrigins, allowedHosts, maxBodyBytes } = store.config.server;
    const { port, close } = await startServer({
      getStore: async () => store,
      port: Number(o.port),
      host: o.host,
      maxBodyBytes,
      allowedOrigins,
      allowedHosts,
      ...(token ? { token } : {}),
    });
    if (o.workers === 1)
      console.error(`skewless serving ${store.config.project} on http://${o.host}:${port}${fixed ? ` at fixed time ${fixed.toISOString()}` : ''} ${ROUTES}`);
    return { store, close };
  } catch (err) {
    await store.close();
    throw err;
  }
}

export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description("serve Feast's HTTP routes locally (same handlers as the Lambdas)")
    .option('-p, --port <port>', 'port', '6566')
    .option('-H, --host <host>', 'interface to bind', '127.0.0.1')
    .option('--token <token>', `require Authorization: Bearer <token> on every route but /health (default: $${ENV.serveToken})`)
    .option('--now <ts>', 'evaluate TTLs and freshness at this fixed instant (e.g. the clock `npm run demo` used); default: the wall clock')
    .option('-w, --workers <n>', 'worker processes serving the port together (node:cluster), e.g. one per core', workersArg, 1)
    .action(async (o: ServeOptions) => {
      if (!isServeWorker()) {
        // Arguments are checked before anything is forked.
        if (o.now) instantArg(o.now, 'now');
        // The primary only forks and watches: each worker runs this very command and serves, with
        // Node options made for serving (a larger young generation, workers.ts), and is replaced if it dies.
        process.exitCode = await runPrimary({
          workers: o.workers,
          execArgv: serveExecArgv(process.execArgv),
          onListening: (port) => {
            if (o.workers > 1) console.error(`skewless serving on http://${o.host}:${port} with ${o.workers} workers ${ROUTES}`);
          },
        });
        return;
      }
      let started: { store: FeatureStore; close: () => Promise<void> };
      try {
        started = await startWorker(globals().repo, o);
      } catch (err) {
        // The CLI reports the failure; the channel to the primary would keep this process alive after it.
        leaveCluster();
        throw err;
      }
      const { store, close } = started;
      await new Promise<void>((resolve) => {
        // Once: Ctrl-C in a terminal reaches the whole process group, so a worker gets SIGINT and then its primary's SIGTERM.
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          void close()
            .then(() => store.close())
            .then(leaveCluster)
            .then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
