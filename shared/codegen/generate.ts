import { readFileSync } from 'node:fs';
import { NotFoundError } from '../errors.js';
import type { Registry } from '../registry/registry.js';
import { assertDistinct, camelCase, kebabCase, pascalCase } from './names.js';
import { HEADER, printService, type PrintedService } from './print-service.js';
import { serviceSchema, type ServiceSchema } from './service-schema.js';

/** The runtime every generated client shares, copied verbatim (it is type-checked and linted here, as source). */
const RUNTIME = ['client.ts', 'sigv4.ts'] as const;

/**
 * A service's schema with feature names the client can hold as properties: when two views of the
 * service share a feature name (or a feature shares a join key's), the service is generated with
 * full feature names (`view__feature`), as the server would otherwise answer ambiguous columns.
 */
export function clientSchema(registry: Registry, service: string): ServiceSchema {
  const short = serviceSchema(registry, service, false);
  const names = [...short.entities, ...short.request, ...short.features].map((c) => c.name);
  return new Set(names).size === names.length ? short : serviceSchema(registry, service, true);
}

/**
 * Every feature service of the registry as a typed client: `<service>.ts` per service, the shared
 * runtime (`client.ts`, `sigv4.ts`) and `index.ts` with `createClient`. Returns file name → text,
 * in a fixed order; the same registry gives the same bytes.
 */
export function generateClients(registry: Registry, project: string): Map<string, string> {
  const services = Object.keys(registry.data.featureServices).sort();
  if (!services.length) throw new NotFoundError('feature service', '*', 'the registry has none: define a FeatureService and run `skewless apply`');
  assertDistinct(services, camelCase, 'feature services');
  assertDistinct(services, kebabCase, 'feature services');
  const printed: PrintedService[] = services.map((name) =>
    printService(clientSchema(registry, name), `${kebabCase(name)}.ts`, registry.featureService(name).description),
  );
  const files = new Map<string, string>();
  for (const f of RUNTIME) files.set(f, `${HEADER}\n${readFileSync(new URL(`./runtime/${f}`, import.meta.url), 'utf8')}`);
  for (const p of printed) files.set(p.file, p.text);
  const first = clientSchema(registry, services[0]);
  const example = `{ ${[...first.entities, ...first.request].map((c) => `${c.name}: [...]`).join(', ')} }`;
  files.set('index.ts', printIndex(project, printed, example));
  return files;
}

function printIndex(project: string, printed: PrintedService[], example: string): string {
  const module = (p: PrintedService) => `./${p.file.replace(/\.ts$/, '.js')}`;
  const T = (p: PrintedService) => pascalCase(p.property);
  return [
    HEADER,
    "import type { ClientOptions } from './client.js';",
    ...printed.map((p) => `import { ${p.property}Client, type ${T(p)}Client } from '${module(p)}';`),
    '',
    "export * from './client.js';",
    ...printed.map((p) => `export * from '${module(p)}';`),
    '',
    `/** One typed client per feature service of project '${project.replace(/\*\//g, '')}'. */`,
    'export interface SkewlessClient {',
    ...printed.map((p) => `  readonly ${p.property}: ${T(p)}Client;`),
    '}',
    '',
    '/**',
    ' * @example',
    " * const client = createClient({ baseUrl: 'http://127.0.0.1:6566' });",
    ` * const rows = await client.${printed[0].property}.get(${example});`,
    ' */',
    'export function createClient(options: ClientOptions): SkewlessClient {',
    '  return {',
    ...printed.map((p) => `    ${p.property}: ${p.property}Client(options),`),
    '  };',
    '}',
    '',
  ].join('\n');
}
