import { type ClientConfig, type ClientOptions, clientConfig } from './client-config.js';
import { createQueryClients, type QueryClients } from './query-clients.js';
import { createStorageClients, type StorageClients } from './storage-clients.js';

/**
 * SDK clients for one region, all four at once: for code that uses them all (tests, tools). Provider
 * aws builds the storage clients when it is created and the query clients on first offline use
 * (shared/providers/aws.ts), so a lookup Lambda never loads Glue and Athena.
 */
export type AwsClients = StorageClients & QueryClients;

export function createAwsClients(region: string, env: NodeJS.ProcessEnv = process.env, options: ClientOptions = {}): AwsClients {
  const config: ClientConfig = clientConfig(region, env, options);
  return { ...createStorageClients(config), ...createQueryClients(config) };
}
