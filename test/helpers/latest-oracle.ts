/** An activity row as the materialization tests generate them (ACTIVITY_COLUMNS). */
export type ActivityRow = { user_id: string; event_date: Date; created_at: Date; sessions: number; model: string };

/** Brute force: the latest (event, created) row per user in [start, end) — what materialization must write. */
export function latestPerUser(rows: readonly ActivityRow[], start: Date, end: Date): Map<string, ActivityRow> {
  const out = new Map<string, ActivityRow>();
  for (const r of rows) {
    if (r.event_date < start || r.event_date >= end) continue;
    const cur = out.get(r.user_id);
    if (!cur || r.event_date > cur.event_date || (r.event_date.getTime() === cur.event_date.getTime() && r.created_at >= cur.created_at)) out.set(r.user_id, r);
  }
  return out;
}
