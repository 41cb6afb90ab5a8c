import { resolve } from 'node:path';
import type { Command } from 'commander';
import { generateClients } from '../../shared/codegen/generate.js';
import { writeGenerated } from '../../shared/codegen/write-files.js';
import { NotFoundError } from '../../shared/errors.js';
import { Registry } from '../../shared/registry/registry.js';
import { withStore } from '../context.js';
import { toJson, type GlobalOptions } from '../output.js';

export function registerCodegenCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('codegen')
    .description('generate typed TypeScript clients of every applied feature service (docs/typed-clients.md)')
    .option('-o, --out <dir>', 'output directory (default: <repo>/skewless-client)')
    .action((o: { out?: string }) =>
      withStore(globals(), async (store) => {
        const data = await store.registryDump();
        if (!data) throw new NotFoundError('registry', store.config.project, 'nothing is applied yet: run `skewless apply` first');
        const dir = resolve(o.out ?? resolve(globals().repo, 'skewless-client'));
        const result = writeGenerated(dir, generateClients(new Registry(data), data.project));
        if (globals().json) return void console.log(toJson({ dir, ...result }));
        console.log(`generated ${Object.keys(data.featureServices).length} feature service client(s) in ${dir}`);
        for (const f of result.written) console.log(`  wrote ${f}`);
        for (const f of result.removed) console.log(`  removed ${f}`);
        if (result.unchanged.length) console.log(`  ${result.unchanged.length} file(s) unchanged`);
      }),
    );
}
