import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { openApiDocument } from '../../shared/http/openapi.js';
import { Registry } from '../../shared/registry/registry.js';
import { withStore } from '../context.js';
import type { GlobalOptions } from '../output.js';

export function registerOpenApiCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('openapi')
    .description('print (or write) the OpenAPI 3.1 document of the HTTP API, with examples from the applied definitions')
    .option('-o, --out <file>', 'write the document to this file instead of stdout')
    .action((o: { out?: string }) =>
      withStore(globals(), async (store) => {
        const data = await store.registryDump();
        const doc = openApiDocument({ project: store.config.project, ...(data ? { registry: new Registry(data) } : {}) });
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        if (!o.out) return void process.stdout.write(text);
        const file = resolve(o.out);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
        console.error(`wrote ${file}`);
      }),
    );
}
