import type { RegistryData } from './types.js';

/**
 * Where the registry document lives. `update` is an atomic read-modify-write: the mutator sees the
 * latest committed document and its result is written only if nobody committed in between (a lock
 * locally; If-Match on the ETag in S3), so concurrent applies never lose an update.
 */
export interface RegistryStore {
  read(): Promise<RegistryData | undefined>;
  update<T>(mutate: (current: RegistryData | undefined) => { next: RegistryData; result: T } | Promise<{ next: RegistryData; result: T }>): Promise<T>;
  /** A description for messages, e.g. a file path or an s3:// URI. */
  readonly location: string;
  /**
   * Cheap revalidation for long-lived readers: the document and its version tag, or `unchanged`
   * when `since` is still current (S3: a conditional GET answered 304, no body transferred).
   */
  readIfChanged?(since?: string): Promise<{ data: RegistryData; tag: string } | 'unchanged' | undefined>;
}
