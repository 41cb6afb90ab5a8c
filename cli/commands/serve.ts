import { availableParallelism } from 'node:os';
import { type Command, InvalidArgumentError } from 'commander';
import { FeatureStore } from '../../shared/feature-store.js';
import { ENV } from '../../shared/layout/env.js';
import { startServer } from '../../functions/dev-server/dev-server.js';
import { isServeWorker, leaveCluster, runPrimary } from '../../functions/dev-server/workers.js';
import { instantArg } from '../args.js';
import type { GlobalOptions } from '../output.js';

/** `--workers`: an integer from 1 to 64. */
function workersArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new InvalidArgumentError(`expected an integer from 1 to 64 (this machine has ${availableParallelism()} cores), got '${value}'`);
  return n;
}

export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description("serve Feast's HTTP routes locally (same handlers as the Lambdas)")
    .option('-p, --port <port>', 'port', '6566')
    .option('-H, --host <host>', 'interface to bind', '127.0.0.1')
    .option('--token <token>', `require Authorization: Bearer <token> on every route but /health (default: $${ENV.serveToken})`)
    .option('--now <ts>', 'evaluate TTLs and freshness at this fixed instant (e.g. the clock `npm run demo` used); default: the wall clock')
    .option('-w, --workers <n>', 'processes serving the port together (node:cluster), e.g. one per core', workersArg, 1)
    .action(async (o: { port: string; host: string; token?: string; now?: string; workers: number }) => {
      const routes = '(POST /get-online-features, /push, /materialize, /materialize-incremental; GET /health, /freshness)';
      if (o.workers > 1 && !isServeWorker()) {
        // The primary only forks and watches: each worker runs this very command and serves.
        await runPrimary({
          workers: o.workers,
          onListening: (port) => console.error(`skewless serving on http://${o.host}:${port} with ${o.workers} workers ${routes}`),
        });
        return;
      }
      const fixed = o.now ? instantArg(o.now, 'now') : undefined;
      const store = await FeatureStore.open(globals().repo, fixed ? { now: () => fixed } : {});
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
      if (!isServeWorker())
        console.error(`skewless serving ${store.config.project} on http://${o.host}:${port}${fixed ? ` at fixed time ${fixed.toISOString()}` : ''} ${routes}`);
      await new Promise<void>((resolve) => {
        const stop = () =>
          void close()
            .then(() => store.close())
            .then(leaveCluster)
            .then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
