import type { Command } from 'commander';
import { FeatureStore } from '../../shared/feature-store.js';
import { ENV } from '../../shared/layout/env.js';
import { startServer } from '../../functions/dev-server/dev-server.js';
import { instantArg } from '../args.js';
import type { GlobalOptions } from '../output.js';

export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description("serve Feast's HTTP routes locally (same handlers as the Lambdas)")
    .option('-p, --port <port>', 'port', '6566')
    .option('-H, --host <host>', 'interface to bind', '127.0.0.1')
    .option('--token <token>', `require Authorization: Bearer <token> on every route but /health (default: $${ENV.serveToken})`)
    .option('--now <ts>', 'evaluate TTLs and freshness at this fixed instant (e.g. the clock `npm run demo` used); default: the wall clock')
    .action(async (o: { port: string; host: string; token?: string; now?: string }) => {
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
      console.error(
        `skewless serving ${store.config.project} on http://${o.host}:${port}${fixed ? ` at fixed time ${fixed.toISOString()}` : ''} (POST /get-online-features, /push, /materialize, /materialize-incremental; GET /health, /freshness)`,
      );
      await new Promise<void>((resolve) => {
        const stop = () =>
          void close()
            .then(() => store.close())
            .then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
