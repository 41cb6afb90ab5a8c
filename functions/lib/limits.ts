import { LimitExceededError } from '../../shared/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../../shared/util/limits.js';

/**
 * Request caps of the HTTP / API Gateway routes (issue 11 item 12): what one request may ask for,
 * sized to what API Gateway and Lambda carry. They apply to requests, not to the library: a stream
 * batch or a program calling FeatureStore directly is not cut by them.
 */
export function checkColumnsCap(columns: Record<string, unknown[]>, field: 'df' | 'entities', limits: Limits = DEFAULT_LIMITS): void {
  const max = field === 'df' ? limits.maxRowsPerPush : limits.maxEntitiesPerLookup;
  for (const name of Object.keys(columns)) {
    const n = columns[name].length;
    if (n > max) {
      throw new LimitExceededError(
        `${field}.${name}`,
        field === 'df'
          ? `push of ${n} rows (df.${name}) exceeds the limit of ${max} rows per request: split it`
          : `entities.${name} has ${n} values; one lookup takes at most ${max} entity rows: split it`,
        max,
      );
    }
  }
}
