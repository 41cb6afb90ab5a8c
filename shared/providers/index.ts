import type { RepoConfig } from '../config/config.js';
import { ValidationError } from '../errors.js';
import type { StoreParts } from './types.js';

export type { StoreParts } from './types.js';

/**
 * The stores of a provider. Each provider is imported only when chosen, so a Lambda bundle never
 * loads the native engines (DuckDB, SQLite) of the local provider.
 */
export async function createStores(config: RepoConfig): Promise<StoreParts> {
  switch (config.provider) {
    case 'local':
      return (await import('./local.js')).localProvider(config);
    case 'aws':
      return (await import('./aws.js')).awsProvider(config);
    default:
      throw new ValidationError(`unknown provider '${String(config.provider)}'`, [{ field: 'provider', message: 'expected local or aws' }]);
  }
}
