import type { MaterializationInterval, RegistryData } from './types.js';

/**
 * Merges overlapping and adjacent materialization intervals, so the registry holds one interval per
 * disjoint covered range however many runs recorded it (issue 11 item 15: it used to grow one entry
 * per run). Rows add up; `completedAt` is the latest of the merged ones.
 */
export function mergeIntervals(intervals: readonly MaterializationInterval[]): MaterializationInterval[] {
  const sorted = [...intervals].sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || Date.parse(a.end) - Date.parse(b.end));
  const out: MaterializationInterval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && Date.parse(i.start) <= Date.parse(last.end)) {
      if (Date.parse(i.end) > Date.parse(last.end)) last.end = i.end;
      last.rows += i.rows;
      if (i.completedAt > last.completedAt) last.completedAt = i.completedAt;
    } else out.push({ ...i });
  }
  return out;
}

/** True when [start, end) lies inside one recorded interval (re-recording it would change nothing). */
export function covers(intervals: readonly MaterializationInterval[], start: Date, end: Date): boolean {
  return intervals.some((i) => Date.parse(i.start) <= start.getTime() && end.getTime() <= Date.parse(i.end));
}

/**
 * Whether two registry documents hold the same content, ignoring the bookkeeping every write
 * changes (`serial`, `lastUpdated`). Stores skip the write when nothing else changed, so a no-op
 * `apply` leaves the document (and its ETag) untouched.
 */
export function sameContent(a: RegistryData | undefined, b: RegistryData): boolean {
  if (!a) return false;
  const strip = (d: RegistryData) => JSON.stringify({ ...d, serial: 0, lastUpdated: '' });
  return strip(a) === strip(b);
}
