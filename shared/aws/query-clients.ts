import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { type ClientConfig, instrumented } from './client-config.js';

/** The clients of offline queries (Glue tables, Athena): loaded only by code that queries (provider aws loads them on first offline use). */
export interface QueryClients {
  glue: GlueClient;
  athena: AthenaClient;
}

export function createQueryClients(config: ClientConfig): QueryClients {
  return { glue: instrumented(new GlueClient(config.common)), athena: instrumented(new AthenaClient(config.common)) };
}
