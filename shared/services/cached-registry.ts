import { ValidationError } from '../errors.js';
import { Registry } from '../registry/registry.js';
import type { RegistryStore } from '../registry/registry-store.js';

/**
 * Reads the registry at most once per `maxAgeMs` (warm servers and Lambdas do not re-read it per
 * request); `invalidate` forces the next read, e.g. right after an apply.
 */
export class CachedRegistry {
  private cached?: { at: number; registry: Registry };
  constructor(
    private readonly store: RegistryStore,
    private readonly maxAgeMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  async get(): Promise<Registry> {
    const t = this.clock();
    if (this.cached && t - this.cached.at < this.maxAgeMs) return this.cached.registry;
    const data = await this.store.read();
    if (!data) throw new ValidationError(`registry ${this.store.location} is empty: run \`skewless apply\` first`, [{ field: 'registry', message: 'not applied' }]);
    this.cached = { at: t, registry: new Registry(data) };
    return this.cached.registry;
  }

  invalidate(): void {
    this.cached = undefined;
  }
}
