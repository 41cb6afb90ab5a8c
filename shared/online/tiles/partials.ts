/**
 * Partial aggregates: what one tile holds per (function, column), how an event folds into it, how
 * tiles merge, and the final value. Pure and JSON-shaped, so SQLite (a JSON column) and DynamoDB (a
 * string attribute) store the same thing. The semantics match the offline computation
 * (docs/aggregations.md): nulls are skipped by every function, `last` / `last_n` order by
 * (event time, value) — the greater value counts as later on a tie —, and an empty window gives 0 for
 * count / count_distinct / sum, [] for last_n and null otherwise.
 */
export type AggFunction = 'count' | 'sum' | 'mean' | 'min' | 'max' | 'last' | 'last_n' | 'count_distinct';

/** One aggregate to serve: `name` over `column` with `function`, for the window `windowMs`. */
export interface TiledAggregation {
  name: string;
  /** Absent: `count` counts events. */
  column?: string;
  function: AggFunction;
  windowMs: number;
  /** last_n only: how many values (≤ 10). */
  n?: number;
}

/** What tiles store: one partial per (function, column), shared by every window that uses it. */
export interface Measure {
  id: string;
  column?: string;
  function: AggFunction;
  /** last_n: the largest n any window asks for. */
  n: number;
}

export type Scalar = number | string | boolean;
/** A value with the event that carried it: [event ts, event id, value]. */
export type Stamped = [number, string, Scalar];
export type Partial = number | [number, number] | Scalar | Stamped | Stamped[] | Scalar[] | null;

/** The event fields a partial needs. */
export interface TileEvent {
  id: string;
  ts: number;
  values: Record<string, unknown>;
}

export const measureId = (fn: AggFunction, column: string | undefined): string => `${fn}:${column ?? '*'}`;

/** The measures of a set of aggregations (deduplicated; last_n keeps the largest n). */
export function measuresOf(aggs: readonly TiledAggregation[]): Measure[] {
  const out = new Map<string, Measure>();
  for (const a of aggs) {
    const id = measureId(a.function, a.column);
    const cur = out.get(id);
    const n = a.function === 'last_n' ? (a.n ?? 1) : 1;
    if (!cur) out.set(id, { id, ...(a.column !== undefined ? { column: a.column } : {}), function: a.function, n });
    else if (n > cur.n) cur.n = n;
  }
  return [...out.values()];
}

/** Later event first: greater event time, then greater value (docs/aggregations.md#ties), then event id (equal values: either). */
export function laterFirst(a: Stamped, b: Stamped): number {
  return b[0] - a[0] || (less(a[2], b[2]) ? 1 : less(b[2], a[2]) ? -1 : a[1] < b[1] ? 1 : a[1] > b[1] ? -1 : 0);
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

function less(a: Scalar, b: Scalar): boolean {
  return typeof a === 'number' && typeof b === 'number' ? a < b : String(a) < String(b);
}

/** The identity of each function (a tile with no event of that column). */
export function empty(m: Measure): Partial {
  switch (m.function) {
    case 'count':
      return 0;
    case 'mean':
      return [0, 0];
    case 'last_n':
    case 'count_distinct':
      return [];
    default:
      return null;
  }
}

/** Merges two partials of the same measure (associative and commutative: tile order never matters). */
export function merge(m: Measure, a: Partial, b: Partial): Partial {
  switch (m.function) {
    case 'count':
      return (a as number) + (b as number);
    case 'sum':
      return a === null ? b : b === null ? a : (a as number) + (b as number);
    case 'mean': {
      const [s2, c2] = b as [number, number];
      if (c2 === 0) return a;
      const [s1, c1] = a as [number, number];
      return [s1 + s2, c1 + c2];
    }
    case 'min':
      return a === null ? b : b === null ? a : less(b as Scalar, a as Scalar) ? b : a;
    case 'max':
      return a === null ? b : b === null ? a : less(a as Scalar, b as Scalar) ? b : a;
    case 'last':
      return a === null ? b : b === null ? a : laterFirst(a as Stamped, b as Stamped) <= 0 ? a : b;
    case 'last_n': {
      const all = [...(a as Stamped[]), ...(b as Stamped[])].sort(laterFirst);
      // The same event can reach both sides only through a bug upstream; dedupe by id anyway.
      const seen = new Set<string>();
      return all.filter((s) => !seen.has(s[1]) && seen.add(s[1])).slice(0, m.n);
    }
    case 'count_distinct': {
      const set = new Map<string, Scalar>();
      for (const v of [...(a as Scalar[]), ...(b as Scalar[])]) set.set(`${typeof v}:${v}`, v);
      return [...set.values()].sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0));
    }
  }
}

/** The partial of one event (nulls contribute nothing). */
export function ofEvent(m: Measure, e: TileEvent): Partial {
  if (m.column === undefined) return 1;
  const raw = e.values[m.column];
  if (raw === null || raw === undefined) return empty(m);
  const v = raw as Scalar;
  switch (m.function) {
    case 'count':
      return 1;
    case 'sum':
      return num(v);
    case 'mean':
      return [num(v), 1];
    case 'min':
    case 'max':
      return typeof v === 'bigint' ? Number(v) : v;
    case 'last':
      return [e.ts, e.id, v];
    case 'last_n':
      return [[e.ts, e.id, v]];
    case 'count_distinct':
      return [v];
  }
}

/** The served value of a merged partial. */
export function finalize(fn: AggFunction, p: Partial, n = 1): unknown {
  switch (fn) {
    case 'count':
      return p;
    case 'sum':
      // The sum of nothing is 0, offline and online alike.
      return p ?? 0;
    case 'count_distinct':
      return (p as Scalar[]).length;
    case 'mean': {
      const [s, c] = p as [number, number];
      return c === 0 ? null : s / c;
    }
    case 'last':
      return p === null ? null : (p as Stamped)[2];
    case 'last_n': {
      const list = (p as Stamped[]).slice(0, n);
      return list.map((s) => s[2]);
    }
    default:
      return p;
  }
}

/** A tile: every measure's partial over a set of events. */
export type TilePartials = Record<string, Partial>;

export function emptyTile(measures: readonly Measure[]): TilePartials {
  return Object.fromEntries(measures.map((m) => [m.id, empty(m)]));
}

/** Folds one event into a tile (returns a new object). */
export function addEvent(measures: readonly Measure[], tile: TilePartials, e: TileEvent): TilePartials {
  const out: TilePartials = {};
  for (const m of measures) out[m.id] = merge(m, tile[m.id] ?? empty(m), ofEvent(m, e));
  return out;
}

export function mergeTiles(measures: readonly Measure[], a: TilePartials, b: TilePartials): TilePartials {
  const out: TilePartials = {};
  for (const m of measures) out[m.id] = merge(m, a[m.id] ?? empty(m), b[m.id] ?? empty(m));
  return out;
}
