import { ValidationError } from '../errors.js';
import { Registry } from '../registry/registry.js';
import type { RegistryStore } from '../registry/registry-store.js';

/**
 * Reads the registry at most once per `maxAgeMs` (warm servers and Lambdas do not re-read it per
 * request). After that it revalidates: stores with version tags (S3 ETags) answer "unchanged"
 * without sending the document again. `invalidate` forces a full read, e.g. right after an apply.
 */
export class CachedRegistry {
  private cached?: { at: number; registry: Registry; tag?: string };
  constructor(
    private readonly store: RegistryStore,
    private readonly maxAgeMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async get(): Promise<Registry> {
    const t = this.clock();
    if (this.cached && t - this.cached.at < this.maxAgeMs) return this.cached.registry;
    if (this.store.readIfChanged) {
      const r = await this.store.readIfChanged(this.cached?.tag);
      if (r === 'unchanged' && this.cached) {
        this.cached.at = t;
        return this.cached.registry;
      }
      if (r && r !== 'unchanged') {
        this.cached = { at: t, registry: new Registry(r.data), tag: r.tag };
        return this.cached.registry;
      }
      return this.missing();
    }
    const data = await this.store.read();
    if (!data) return this.missing();
    this.cached = { at: t, registry: new Registry(data) };
    return this.cached.registry;
  }

  private missing(): never {
    throw new ValidationError(`registry ${this.store.location} is empty: run \`skewless apply\` first`, [{ field: 'registry', message: 'not applied' }]);
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
