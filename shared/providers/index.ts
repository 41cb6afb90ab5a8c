import type { RepoConfig } from '../config/config.js';
import { ValidationError } from '../errors.js';
import { awsProvider } from './aws.js';
import { localProvider } from './local.js';
import type { StoreParts } from './types.js';

export type { StoreParts } from './types.js';

export async function createStores(config: RepoConfig): Promise<StoreParts> {
  switch (config.provider) {
    case 'local':
      return localProvider(config);
    case 'aws':
      return awsProvider(config);
    default:
      throw new ValidationError(`provider '${config.provider}' is not available in this build`, [{ field: 'provider', message: 'expected local' }]);
  }
}
