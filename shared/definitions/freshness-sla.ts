import { parseDurationSeconds } from './duration.js';

const NAMED_SLA_SECONDS: Record<string, number> = { realtime: 5 * 60, hourly: 2 * 3600, daily: 26 * 3600 };

/**
 * The freshness SLA of a view from its `freshness_sla` tag: `realtime` (5 min), `hourly` (2 h),
 * `daily` (26 h) or an explicit duration (`90m`, `PT26H`). Undefined when the tag is absent or invalid.
 */
export function parseFreshnessSla(tag: string | undefined): number | undefined {
  if (tag === undefined) return undefined;
  return NAMED_SLA_SECONDS[tag.toLowerCase()] ?? parseDurationSeconds(tag);
}
