import { ValidationError, type FieldIssue } from '../errors.js';
import type { Row } from '../offline/offline-store.js';
import { batchSourceSpec } from '../offline/source-node.js';
import { entityKey } from '../online/entity-key.js';
import type { OnlineWrite, WriteResult } from '../online/types.js';
import type { FeatureViewSpec } from '../registry/types.js';
import { parseInstant } from '../util/time.js';
import type { StoreContext } from './context.js';
import { columnsToRows } from './rows.js';
import { valueSchema } from './value-schema.js';

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

/**
 * Validates every row against every view the push source feeds; returns normalized rows
 * (typed values, parsed timestamps) or throws one error listing each bad (row, field).
 */
export function validatePushRows(views: readonly FeatureViewSpec[], rows: readonly Row[], sourceName: string): Row[] {
  if (!rows.length) throw new ValidationError('push has no rows', [{ field: 'df', message: 'expected at least one row' }]);
  const src = batchSourceSpec(views[0]);
  const fields = new Map<string, (v: unknown) => { ok: true; value: unknown } | { ok: false; message: string }>();
  const required = new Set<string>([src.timestampField]);
  for (const v of views) {
    for (const k of v.joinKeys) {
      required.add(k.name);
      fields.set(k.name, check(valueSchema(k.valueType)));
    }
    for (const f of v.features) fields.set(f.name, check(valueSchema(f.dtype)));
  }
  const timestamps = [src.timestampField, ...(src.createdTimestampColumn ? [src.createdTimestampColumn] : [])];
  const issues: FieldIssue[] = [];
  const out = rows.map((row, i) => {
    const norm: Row = {};
    for (const name of Object.keys(row)) {
      if (!fields.has(name) && !timestamps.includes(name)) issues.push({ row: i, field: name, message: `unknown column for push source '${sourceName}'` });
    }
    for (const name of required) {
      if (row[name] === undefined || row[name] === null) issues.push({ row: i, field: name, message: 'required' });
    }
    for (const name of timestamps) {
      if (row[name] === undefined || row[name] === null) continue;
      const d = parseInstant(row[name]);
      if (d) norm[name] = d;
      else issues.push({ row: i, field: name, message: `expected an RFC 3339 timestamp or epoch number, got ${JSON.stringify(row[name])}` });
    }
    for (const [name, validate] of fields) {
      const r = validate(row[name]);
      if (r.ok) norm[name] = r.value;
      else issues.push({ row: i, field: name, message: r.message });
    }
    return norm;
  });
  if (issues.length) {
    const first = issues[0];
    throw new ValidationError(`push to '${sourceName}' rejected, nothing written: row ${first.row}, field '${first.field}': ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, issues.slice(0, MAX_ISSUES));
  }
  return out;
}

function check(schema: ReturnType<typeof valueSchema>) {
  return (v: unknown) => {
    const r = schema.safeParse(v);
    return r.success ? { ok: true as const, value: r.data } : { ok: false as const, message: r.error.issues[0].message };
  };
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
  const registry = await ctx.registry();
  const views = registry.viewsOfPushSource(req.pushSourceName);
  if (!views.length) throw new ValidationError(`push source '${req.pushSourceName}' feeds no feature view`, [{ field: 'push_source_name', message: 'no views' }]);
  const input = req.rows ?? (req.df ? columnsToRows(req.df) : []);
  return { views, rows: validatePushRows(views, input, req.pushSourceName) };
}

/**
 * Push (DESIGN §4): validate everything first; stage the offline part, write online, then make the
 * part visible. A failure before the commit leaves nothing behind offline.
 */
export async function push(ctx: StoreContext, req: PushRequest): Promise<PushResult> {
  const to = req.to ?? 'online';
  if (!['online', 'offline', 'online_and_offline'].includes(to)) {
    throw new ValidationError(`invalid 'to': ${String(to)}`, [{ field: 'to', message: 'expected online, offline or online_and_offline' }]);
  }
  const { views, rows } = await validatePush(ctx, req);
  const now = ctx.now();
  const writes = views.filter((v) => v.online).map((v) => ({ view: v, writes: toOnlineWrites(v, rows, now) }));

  if (to !== 'offline') for (const w of writes) ctx.online.checkKeys(w.writes);
  const pending = to === 'online' ? undefined : await ctx.offline.stagePush(views, rows);
  const online: PushResult['online'] = [];
  try {
    if (to !== 'offline') {
      for (const w of writes) online.push({ view: `${w.view.name}@v${w.view.version}`, ...(await ctx.online.write(`${w.view.name}@v${w.view.version}`, w.writes, now, { ttlSeconds: w.view.ttlSeconds })) });
    }
    await pending?.commit();
  } catch (err) {
    await pending?.abort();
    throw err;
  }
  return { rows: rows.length, online, ...(pending ? { offline: { path: pending.path } } : {}) };
}
