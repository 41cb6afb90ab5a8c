import { InternalError } from '../../errors.js';
import { addEvent, emptyTile, type Measure, type Partial, type Scalar, type Stamped, type TileEvent, type TilePartials } from './partials.js';

/** One tile as the write path folds into it: [start, start + interval), its event-time span and partials. */
export interface TileRow {
  start: number;
  /** Oldest and newest event time in the tile: a window edge that cuts a tile outside this span needs no raw events. */
  oldest: number;
  newest: number;
  partials: TilePartials;
}

/**
 * How one measure's partials are held across the tiles of a set. Numbers go to Float64Arrays (no
 * per-tile parsing or objects on the lookup path); what is not a number stays a JSON-shaped array.
 * - `num`: count, sum (0 for none), min / max of numbers (NaN for none);
 * - `mean`: sums and counts;
 * - `last`: event times (NaN for none) and values — numbers, or JSON-shaped values (`vals`);
 * - `json`: any partial (last_n, count_distinct, min / max of text).
 */
export type MeasureColumn =
  | { kind: 'num'; a: Float64Array }
  | { kind: 'mean'; s: Float64Array; c: Float64Array }
  | { kind: 'last'; ts: Float64Array; nums?: Float64Array; vals?: Scalar[] }
  | { kind: 'json'; p: Partial[] };

/**
 * All the tiles of one (view, entity), columnar and sorted by start: what a lookup reads in one row
 * (SQLite) or one Query (DynamoDB) per entity (docs/aggregations-online.md#lookup).
 */
export interface TileSet {
  n: number;
  starts: Float64Array;
  oldest: Float64Array;
  newest: Float64Array;
  /** In the layout's measure order. */
  columns: MeasureColumn[];
}

export const EMPTY_TILE_SET: TileSet = { n: 0, starts: new Float64Array(0), oldest: new Float64Array(0), newest: new Float64Array(0), columns: [] };

const isNum = (v: unknown): v is number => typeof v === 'number';

function columnOf(m: Measure, partials: Partial[]): MeasureColumn {
  const n = partials.length;
  switch (m.function) {
    case 'count':
    case 'sum':
      // A sum over no value is null in the partial and 0 once served: 0 holds both.
      return { kind: 'num', a: Float64Array.from(partials, (p) => (p as number | null) ?? 0) };
    case 'mean':
      return {
        kind: 'mean',
        s: Float64Array.from(partials, (p) => (p as [number, number])[0]),
        c: Float64Array.from(partials, (p) => (p as [number, number])[1]),
      };
    case 'min':
    case 'max':
      if (partials.every((p) => p === null || isNum(p)))
        return { kind: 'num', a: Float64Array.from(partials, (p) => (p === null ? Number.NaN : (p as number))) };
      return { kind: 'json', p: partials };
    case 'last': {
      const ts = new Float64Array(n);
      const vals: Scalar[] = new Array(n);
      partials.forEach((p, i) => {
        ts[i] = p === null ? Number.NaN : (p as Stamped)[0];
        vals[i] = p === null ? 0 : (p as Stamped)[2];
      });
      // The event id only breaks ties between equal values, so a tile's last keeps (time, value).
      return vals.every(isNum) ? { kind: 'last', ts, nums: Float64Array.from(vals as number[]) } : { kind: 'last', ts, vals };
    }
    default:
      return { kind: 'json', p: partials };
  }
}

/** The partial of tile `i` in one column (what `merge` takes). */
export function partialAt(col: MeasureColumn, i: number): Partial {
  switch (col.kind) {
    case 'num':
      return Number.isNaN(col.a[i]) ? null : col.a[i];
    case 'mean':
      return [col.s[i], col.c[i]];
    case 'last':
      return Number.isNaN(col.ts[i]) ? null : [col.ts[i], '', col.nums ? col.nums[i] : col.vals![i]];
    case 'json':
      return col.p[i];
  }
}

/** The columnar set of tile rows (sorted here by start). */
export function tileSetOf(measures: readonly Measure[], rows: readonly TileRow[]): TileSet {
  const sorted = [...rows].sort((a, b) => a.start - b.start);
  return {
    n: sorted.length,
    starts: Float64Array.from(sorted, (r) => r.start),
    oldest: Float64Array.from(sorted, (r) => r.oldest),
    newest: Float64Array.from(sorted, (r) => r.newest),
    columns: measures.map((m) =>
      columnOf(
        m,
        sorted.map((r) => r.partials[m.id] ?? emptyTile([m])[m.id]),
      ),
    ),
  };
}

/** The tile rows of a set (the write path folds events into them). */
export function rowsOf(measures: readonly Measure[], set: TileSet): TileRow[] {
  return Array.from({ length: set.n }, (_, i) => ({
    start: set.starts[i],
    oldest: set.oldest[i],
    newest: set.newest[i],
    partials: Object.fromEntries(measures.map((m, j) => [m.id, partialAt(set.columns[j], i)])),
  }));
}

/** Folds events into tile rows (a new row per unseen tile start). */
export function foldEvents(measures: readonly Measure[], rows: Map<number, TileRow>, events: readonly TileEvent[], intervalMs: number): void {
  for (const e of events) {
    const start = Math.floor(e.ts / intervalMs) * intervalMs;
    const row = rows.get(start) ?? { start, oldest: e.ts, newest: e.ts, partials: emptyTile(measures) };
    row.partials = addEvent(measures, row.partials, e);
    row.oldest = Math.min(row.oldest, e.ts);
    row.newest = Math.max(row.newest, e.ts);
    rows.set(start, row);
  }
}

// Binary layout of a set (SQLite BLOB): a header of u32 [version, n, float64 arrays, JSON bytes],
// the float64 arrays (starts, oldest, newest, then each column's), then JSON of the columns' kinds
// and their non-numeric parts. The arrays come first so they sit 8-byte aligned.
const VERSION = 1;
const HEADER = 16;

export function encodeTileSet(set: TileSet): Buffer {
  const arrays: Float64Array[] = [set.starts, set.oldest, set.newest];
  const meta = set.columns.map((c): unknown[] => {
    switch (c.kind) {
      case 'num':
        arrays.push(c.a);
        return ['num'];
      case 'mean':
        arrays.push(c.s, c.c);
        return ['mean'];
      case 'last':
        arrays.push(c.ts);
        if (c.nums) arrays.push(c.nums);
        return c.nums ? ['last'] : ['last', c.vals];
      default:
        return ['json', c.p];
    }
  });
  const json = Buffer.from(JSON.stringify(meta));
  const out = Buffer.alloc(HEADER + arrays.length * set.n * 8 + json.length);
  out.writeUInt32LE(VERSION, 0);
  out.writeUInt32LE(set.n, 4);
  out.writeUInt32LE(arrays.length, 8);
  out.writeUInt32LE(json.length, 12);
  arrays.forEach((a, k) => {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, HEADER + k * set.n * 8);
  });
  json.copy(out, HEADER + arrays.length * set.n * 8);
  return out;
}

export function decodeTileSet(buf: Uint8Array): TileSet {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  // A set written by a newer layout cannot be read as this one: fail loudly rather than misread it.
  if (view.getUint32(0, true) !== VERSION) throw new InternalError(`tile set: unknown layout version ${view.getUint32(0, true)}`);
  const n = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  const jsonBytes = view.getUint32(12, true);
  // The arrays are views on the row's bytes when they sit 8-byte aligned, else on one aligned copy.
  const at = buf.byteOffset + HEADER;
  const numeric = at % 8 === 0 ? buf.buffer : buf.buffer.slice(at, at + count * n * 8);
  const base = at % 8 === 0 ? at : 0;
  const arrays: Float64Array[] = new Array(count);
  for (let k = 0; k < count; k++) arrays[k] = new Float64Array(numeric, base + 8 * n * k, n);
  let next = 3;
  const [starts, oldest, newest] = arrays;
  const jsonStart = HEADER + count * n * 8;
  const meta = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', jsonStart, jsonStart + jsonBytes)) as [string, unknown?][];
  const columns: MeasureColumn[] = new Array(meta.length);
  for (let j = 0; j < meta.length; j++) {
    const [kind, extra] = meta[j];
    if (kind === 'num') columns[j] = { kind, a: arrays[next++] };
    else if (kind === 'mean') columns[j] = { kind, s: arrays[next++], c: arrays[next++] };
    else if (kind === 'last')
      columns[j] = extra === undefined ? { kind, ts: arrays[next++], nums: arrays[next++] } : { kind, ts: arrays[next++], vals: extra as Scalar[] };
    else columns[j] = { kind: 'json', p: extra as Partial[] };
  }
  return { n, starts, oldest, newest, columns };
}
