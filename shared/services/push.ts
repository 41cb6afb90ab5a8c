import { type FieldIssue, OnlineWriteIncompleteError, PushIncompleteError, ServiceUnavailableError, SkewlessError, ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import type { Row } from '../offline/offline-store.js';
import { batchSourceSpec } from '../offline/source-node.js';
import { entityKey } from '../online/entity-key.js';
import type { OnlineWrite, WriteResult } from '../online/types.js';
import type { FeatureViewSpec } from '../registry/types.js';
import { DEFAULT_LIMITS } from '../util/limits.js';
import { preview } from '../util/preview.js';
import { futureIssue, parseInstantResult } from '../util/time.js';
import type { StoreContext } from './context.js';
import { columnsToRows } from './rows.js';
import { checkValue } from './value-schema.js';
import { writeTiles } from './push-tiles.js';
import type { DType } from '../definitions/dtypes.js';

export type PushMode = 'online' | 'offline' | 'online_and_offline';

export interface PushRequest {
  pushSourceName: string;
  /** Row-oriented input, or Feast's column-oriented `df`. */
  rows?: Row[];
  df?: Record<string, unknown[]>;
  to?: PushMode;
}

export interface PushResult {
  rows: number;
  online: ({ view: string } & WriteResult)[];
  offline?: { path: string };
}

const MAX_ISSUES = 50;

/** A caller's own property only: names like `constructor` or `__proto__` never reach Object.prototype. */
const own = (row: Row, name: string): unknown => (Object.hasOwn(row, name) ? row[name] : undefined);

export interface PushValidationOptions {
  /** The store's clock: event times past it by more than `maxClockSkewMs` are refused. */
  now: Date;
  maxClockSkewMs: number;
}

/**
 * Validates every row against every view the push source feeds; returns normalized rows
 * (typed values, parsed timestamps) or throws one error listing each bad (row, field).
 * Every feature column must be present (an explicit null writes null; a missing column would
 * silently overwrite the stored value with null). Timestamps are RFC 3339 with a zone or epoch
 * seconds, and not beyond the clock-skew allowance.
 */
export function validatePushRows(views: readonly FeatureViewSpec[], rows: readonly Row[], sourceName: string, options: PushValidationOptions): Row[] {
  if (!rows.length) throw new ValidationError('push has no rows', [{ field: 'df', message: 'expected at least one row' }]);
  const src = batchSourceSpec(views[0]);
  const fields = new Map<string, DType>();
  const required = new Set<string>([src.timestampField]);
  const keys = new Set<string>();
  for (const v of views) {
    for (const k of v.joinKeys) {
      keys.add(k.name);
      fields.set(k.name, k.valueType as DType);
    }
    // An aggregation view is fed raw events: its columns are the event columns, not its features.
    for (const f of v.aggregation?.eventSchema ?? v.features) fields.set(f.name, f.dtype);
  }
  const timestamps = [src.timestampField, ...(src.createdTimestampColumn ? [src.createdTimestampColumn] : [])];
  // The first MAX_ISSUES are reported in full; the rest are only counted (a million bad rows must
  // not build a million issue objects).
  const issues: FieldIssue[] = [];
  let total = 0;
  const add = (issue: FieldIssue) => {
    total++;
    if (issues.length < MAX_ISSUES) issues.push(issue);
  };
  const out = rows.map((row, i) => {
    const norm: Row = {};
    if (!row || typeof row !== 'object' || Array.isArray(row)) {
      add({ row: i, field: '(row)', message: 'expected an object of columns' });
      return norm;
    }
    for (const name of Object.keys(row)) {
      if (!fields.has(name) && !timestamps.includes(name)) add({ row: i, field: name, message: `unknown column for push source '${sourceName}'` });
    }
    for (const name of timestamps) {
      const raw = own(row, name);
      if (raw === undefined || raw === null) {
        if (required.has(name)) add({ row: i, field: name, message: 'required' });
        continue;
      }
      const r = parseInstantResult(raw, { requireZone: !(raw instanceof Date) });
      const future = r.ok ? futureIssue(r.date, options.now, options.maxClockSkewMs) : undefined;
      if (r.ok && !future) norm[name] = r.date;
      else add({ row: i, field: name, message: r.ok ? future! : `${r.message} (or epoch seconds), got ${preview(raw)}` });
    }
    for (const [name, dtype] of fields) {
      if (!Object.hasOwn(row, name)) {
        add({ row: i, field: name, message: keys.has(name) ? 'required' : 'missing column: send null to write null' });
        continue;
      }
      if (keys.has(name) && row[name] === null) {
        add({ row: i, field: name, message: 'required' });
        continue;
      }
      const r = checkValue(dtype, row[name]);
      if (r.ok) norm[name] = r.value;
      else add({ row: i, field: name, message: r.message });
    }
    return norm;
  });
  if (total) {
    const first = issues[0];
    throw new ValidationError(
      `push to '${sourceName}' rejected, nothing written: row ${first.row}, field '${first.field}': ${first.message}${total > 1 ? ` (and ${total - 1} more)` : ''}`,
      issues,
    );
  }
  return out;
}

/** Online writes of one view from validated rows. Without a created column, the push time orders equal event times. */
export function toOnlineWrites(view: FeatureViewSpec, rows: readonly Row[], now: Date): OnlineWrite[] {
  const src = batchSourceSpec(view);
  return rows.map((r, i) => ({
    entityKey: entityKey(view.joinKeys, r, i),
    values: Object.fromEntries(view.features.map((f) => [f.name, r[f.name] ?? null])),
    eventTs: (r[src.timestampField] as Date).getTime(),
    createdTs: src.createdTimestampColumn && r[src.createdTimestampColumn] instanceof Date ? (r[src.createdTimestampColumn] as Date).getTime() : now.getTime(),
  }));
}

/** The validated rows of a push request (throws, naming row and field, if any is bad). Writes nothing. */
export async function validatePush(ctx: StoreContext, req: PushRequest): Promise<{ views: FeatureViewSpec[]; rows: Row[] }> {
  const limits = ctx.limits ?? DEFAULT_LIMITS;
  const registry = await ctx.registry();
  const views = registry.viewsOfPushSource(req.pushSourceName);
  if (!views.length)
    throw new ValidationError(`push source '${req.pushSourceName}' feeds no feature view`, [{ field: 'push_source_name', message: 'no views' }]);
  const input = req.rows ?? (req.df ? columnsToRows(req.df) : []);
  return { views, rows: validatePushRows(views, input, req.pushSourceName, { now: ctx.now(), maxClockSkewMs: limits.maxClockSkewSeconds * 1000 }) };
}

/**
 * Push (docs/semantics.md#push, docs/reliability.md): validate everything first; then offline, then online. The
 * offline part is written (and made visible) before any online write, so online is never ahead of
 * offline for `online_and_offline`. If an online write fails part-way, the store stops its workers and
 * the caller gets a 503 (Retry-After) saying which views were written, partly written or not
 * attempted; re-sending the request converges (newer-wins, idempotent).
 */
export async function push(ctx: StoreContext, req: PushRequest): Promise<PushResult> {
  const to = req.to ?? 'online';
  if (!['online', 'offline', 'online_and_offline'].includes(to)) {
    throw new ValidationError(`invalid 'to': ${preview(to)}`, [{ field: 'to', message: 'expected online, offline or online_and_offline' }]);
  }
  const { views, rows } = await validatePush(ctx, req);
  const now = ctx.now();
  const writes = views.filter((v) => v.online && !v.aggregation).map((v) => ({ view: v, writes: toOnlineWrites(v, rows, now) }));

  if (to !== 'offline') for (const w of writes) ctx.online.checkKeys(w.writes);
  let offlinePath: string | undefined;
  if (to !== 'online') {
    const pending = await ctx.offline.stagePush(views, rows);
    try {
      await pending.commit();
    } catch (err) {
      await pending.abort().catch(() => undefined);
      if (err instanceof SkewlessError) throw err;
      throw new ServiceUnavailableError(
        `push to '${req.pushSourceName}' failed writing offline; nothing was written online: ${(err as Error)?.name ?? 'error'}`,
        { code: 'PUSH_FAILED', details: { offline: 'not written', online: 'not attempted' }, cause: err },
      );
    }
    offlinePath = pending.path;
  }
  const online: PushResult['online'] = [];
  if (to !== 'offline') {
    for (const [i, w] of writes.entries()) {
      const key = viewKey(w.view.name, w.view.version);
      try {
        online.push({ view: key, ...(await ctx.online.write(key, w.writes, now, { ttlSeconds: w.view.ttlSeconds })) });
      } catch (err) {
        if (err instanceof SkewlessError && !(err instanceof ServiceUnavailableError)) throw err;
        const partial =
          err instanceof OnlineWriteIncompleteError ? { written: err.written, unwritten: err.unwritten } : { written: 0, unwritten: w.writes.length };
        const report = [
          ...online.map((o) => ({ view: o.view, status: 'written' as const })),
          { view: key, status: 'partial' as const, ...partial },
          ...writes.slice(i + 1).map((x) => ({ view: viewKey(x.view.name, x.view.version), status: 'not attempted' as const })),
        ];
        throw new PushIncompleteError(
          `push to '${req.pushSourceName}' incomplete: ${offlinePath ? 'offline written' : 'offline not requested'}; online ${key}: ${partial.written} of ${partial.written + partial.unwritten} rows written before the online store failed; retry the same request`,
          { offline: offlinePath ? `written: ${offlinePath}` : 'not requested', online: report },
          err,
        );
      }
    }
    // Aggregation views: the events fold into tiles (idempotent: a retry of a failed push converges).
    for (const v of views.filter((x) => x.online && x.aggregation)) online.push(await writeTiles(ctx, v, rows, now));
  }
  return { rows: rows.length, online, ...(offlinePath ? { offline: { path: offlinePath } } : {}) };
}
