/** The two forms of the PIT join a DuckDB engine can run (docs/semantics.md#pit-join: same answer). */
export type PitForm = 'asof' | 'window';

/**
 * Entity rows per feature row at or below which the window form is chosen. Measured on DuckDB
 * (bench/pit-join.ts, issue 13): at 1 M entity rows × 10 M feature rows (0.1) the window form took
 * 0.62× the time of a hand-written ASOF JOIN and the ASOF form 1.05×; at 10 M × 10 M (1.0) the
 * window form took 3.54× and ASOF 1.19×. The window form joins each entity row to its key's
 * candidates (cost grows with entity rows); ASOF sorts both sides (cost grows with both), so the
 * window form wins only while the entity side is small next to the feature side.
 */
export const WINDOW_FORM_MAX_RATIO = 0.25;

/**
 * Which PIT form to run, from what is known before running: the entity row count and each view's
 * feature row count (Parquet footers). The window form only when every view is large next to the
 * entity rows; ASOF otherwise, and when a count is unknown (ASOF never degrades with the ratio).
 */
export function choosePitForm(entityRows: number, featureRowsPerView: readonly number[]): PitForm {
  if (!Number.isFinite(entityRows) || entityRows <= 0 || !featureRowsPerView.length) return 'asof';
  const smallest = Math.min(...featureRowsPerView);
  if (!Number.isFinite(smallest) || smallest <= 0) return 'asof';
  return entityRows / smallest <= WINDOW_FORM_MAX_RATIO ? 'window' : 'asof';
}
