import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../errors.js';
import type { Definition } from '../registry/to-specs.js';
import type { RepoConfig } from './config.js';

const KINDS = new Set(['Entity', 'FeatureView', 'FeatureService', 'FileSource', 'PushSource', 'OnDemandFeatureView', 'RequestSource']);

/**
 * The URL the definitions are imported from. Under the CLI's loader (cli/register.js) the mark makes
 * the file and its local imports ES modules whatever package.json is near the repo.
 */
function definitionsUrl(path: string): string {
  const url = pathToFileURL(path);
  if ((globalThis as { [k: symbol]: unknown })[Symbol.for('skewless.loader')]) url.searchParams.set('skewless-esm', '');
  return url.href;
}

/** Every definition a repo's modules export (duck-typed on `kind`, so copies of the library still match). */
export async function loadDefinitions(config: RepoConfig): Promise<Definition[]> {
  const files = Array.isArray(config.definitions) ? config.definitions : [config.definitions];
  const found: Definition[] = [];
  for (const f of files) {
    const path = resolve(config.repoDir, f);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(definitionsUrl(path))) as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(path)) {
        throw new ValidationError(`definitions file ${path} not found`, [{ field: 'definitions', message: 'file not found' }]);
      }
      throw err;
    }
    for (const value of Object.values(mod)) {
      const kind = (value as { kind?: unknown } | null)?.kind;
      if (typeof kind === 'string' && KINDS.has(kind)) found.push(value as Definition);
    }
  }
  return found;
}
