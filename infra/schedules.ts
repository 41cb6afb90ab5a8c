import { parseFreshnessSla } from '../shared/definitions/freshness-sla.js';
import type { FeatureViewSpec } from '../shared/registry/types.js';

/**
 * How often a view is materialized: half its freshness SLA (so one missed run does not breach it),
 * between 5 minutes and 1 day. Push-fed views are written by pushes, not by schedules.
 */
export function materializationPeriodMinutes(view: FeatureViewSpec): number | undefined {
  if (view.source.kind === 'PushSource' || !view.online) return undefined;
  const sla = parseFreshnessSla(view.tags.freshness_sla) ?? 26 * 3600;
  return Math.min(24 * 60, Math.max(5, Math.floor(sla / 2 / 60)));
}

/** The alarm threshold of a view: its SLA in seconds (views without one get the daily SLA). */
export function freshnessSlaSeconds(view: FeatureViewSpec): number {
  return parseFreshnessSla(view.tags.freshness_sla) ?? 26 * 3600;
}
