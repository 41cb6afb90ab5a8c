import type { Command } from 'commander';
import { ValidationError } from '../../shared/errors.js';
import { FeatureStore } from '../../shared/feature-store.js';
import { startUiServer } from '../../ui/server/server.js';
import { instantArg } from '../args.js';
import type { GlobalOptions } from '../output.js';

export function registerUiCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('ui')
    .description('serve the web UI (registry, lineage, freshness, statistics, skew) and its JSON API; read-only but for skew audits')
    .option('-p, --port <port>', 'port (0: any free port)', '8888')
    .option('-H, --host <host>', 'interface to bind (the UI shows the whole registry: expose it on purpose)', '127.0.0.1')
    .option('--now <ts>', 'judge TTLs and freshness at this fixed instant (e.g. the clock `npm run demo` used); default: the wall clock')
    .action(async (o: { port: string; host: string; now?: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new ValidationError(`--port: expected 0..65535, got '${o.port}'`, [{ field: 'port', message: 'a whole number from 0 to 65535' }]);
      const fixed = o.now ? instantArg(o.now, 'now') : undefined;
      const store = await FeatureStore.open(globals().repo, fixed ? { now: () => fixed } : {});
      // On-demand views show whether the code this process loads still hashes as applied.
      await store.loadDefinitions().catch((err: Error) => console.error(`warning: ${err.message}; on-demand views show as not loaded`));
      const { url, close } = await startUiServer({ store, port, host: o.host, allowedHosts: store.config.server.allowedHosts });
      console.error(
        `skewless ui for ${store.config.project} (provider ${store.config.provider}) on ${url}${fixed ? ` at fixed time ${fixed.toISOString()}` : ''}`,
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
