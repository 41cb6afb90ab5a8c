import type { AuditReport } from './audit.js';
import type { FreshnessStatus, ViewFreshness } from './freshness.js';

/** One freshness check as recorded (every view it judged, at one instant). */
export interface FreshnessCheck {
  at: string;
  views: ViewFreshness[];
}

/** One skew audit as recorded: what was audited, with what sample, and the report. */
export interface AuditRecord {
  id: string;
  at: string;
  target: { kind: 'service' | 'view'; name: string };
  sample: number;
  report: AuditReport;
}

export interface FreshnessPoint {
  at: string;
  ageSeconds: number | null;
  slaSeconds: number | null;
  status: FreshnessStatus;
}

/** The series of one view version out of recorded checks, oldest first. */
export function freshnessSeries(checks: readonly FreshnessCheck[], view: string, version: number): FreshnessPoint[] {
  return checks.flatMap((c) =>
    c.views
      .filter((v) => v.view === view && v.version === version)
      .map((v) => ({ at: c.at, ageSeconds: v.ageSeconds, slaSeconds: v.slaSeconds, status: v.status })),
  );
}
