import { describe, expect, it } from 'vitest';
import { consumersOf } from '../../shared/registry/consumers.js';
import type { FeatureServiceSpec } from '../../shared/registry/types.js';

const service = (name: string, projections: FeatureServiceSpec['projections']) => ({ name, projections }) as FeatureServiceSpec;

describe('Function: consumersOf — the services a view version serves (plan and lifecycle)', () => {
  const services = {
    zeta: service('zeta', [{ view: 'activity', version: 1, features: ['clicks'] }]),
    alpha: service('alpha', [
      { view: 'profile', version: 2, features: ['age'] },
      { view: 'activity', version: 1, features: ['sessions'] },
    ]),
    beta: service('beta', [{ view: 'activity', version: 2, features: ['clicks'] }]),
    odfv: service('odfv', [{ view: 'ratio', version: 0, features: ['r'], onDemand: true }]),
  };

  it('lists the services that pin that version, sorted by name', () => {
    expect(consumersOf(services, 'activity', 1)).toEqual(['alpha', 'zeta']);
    expect(consumersOf(services, 'activity', 2)).toEqual(['beta']);
  });

  it('lists nobody for an unreferenced version or view', () => {
    expect(consumersOf(services, 'activity', 3)).toEqual([]);
    expect(consumersOf(services, 'nothing', 1)).toEqual([]);
    expect(consumersOf({}, 'activity', 1)).toEqual([]);
  });
});
