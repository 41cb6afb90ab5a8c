import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { generateEvents, MODELS, writeEvents, type RawEvent } from '../../examples/feature_repo/generate-events.js';
import { computeUserActivityFeatures } from '../../examples/feature_repo/transformations.js';
import { tempDir } from '../helpers/tmp.js';

const start = new Date('2024-01-01T00:00:00Z');

/** An independent computation of the seed's aggregates, in plain JS over the generated events. */
function expected(events: RawEvent[], asOf: Date) {
  const from = asOf.getTime() - 7 * 86_400_000;
  const byUser = new Map<string, RawEvent[]>();
  for (const e of events) {
    const t = e.event_date.getTime();
    if (t >= from && t <= asOf.getTime()) byUser.set(e.user_id, [...(byUser.get(e.user_id) ?? []), e]);
  }
  return [...byUser.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([user, es]) => {
      const counts = new Map<string, number>();
      for (const e of es) counts.set(e.model, (counts.get(e.model) ?? 0) + 1);
      const mode = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
      return {
        user_id: user,
        sessions_7d: new Set(es.map((e) => e.session_id)).size,
        avg_session_duration_sec: Math.fround(es.reduce((s, e) => s + e.duration_sec, 0) / es.length),
        messages_sent_7d: es.reduce((s, e) => s + e.message_count, 0),
        tools_used_7d: es.reduce((s, e) => s + e.tool_invocations, 0),
        preferred_model: mode,
        total_tokens_7d: es.reduce((s, e) => s + e.tokens, 0),
      };
    });
}

describe('example feature repo', () => {
  it('declares user_activity as aggregations over the raw events, and keeps the daily batch view for the preferred model', async () => {
    const repo = await import('../../examples/feature_repo/definitions.js');
    expect(repo.userActivity.isAggregation()).toBe(true);
    // The push source takes the generator's rows as they are: join key, timestamp and every event column.
    expect([...repo.userActivity.joinKeys, repo.rawEvents.timestampField, ...repo.userActivity.eventSchema!.map((f) => f.name)].sort()).toEqual([
      'duration_sec',
      'event_date',
      'message_count',
      'model',
      'session_id',
      'tokens',
      'tool_invocations',
      'user_id',
    ]);
    expect(repo.userActivity.schema.map((f) => f.name)).toEqual(expect.arrayContaining(['sessions_7d', 'messages_sent_7d', 'total_tokens_7d']));
    expect(repo.userActivityDaily.batch).toBeDefined();
  });

  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('generates the same events for the same seed and different ones for another seed', () => {
    const a = [...generateEvents({ seed: 1, events: 2000, start, days: 14 })];
    const b = [...generateEvents({ seed: 1, events: 2000, start, days: 14 })];
    const c = [...generateEvents({ seed: 2, events: 2000, start, days: 14 })];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((e) => e.event_date >= start && e.event_date.getTime() < start.getTime() + 14 * 86_400_000)).toBe(true);
    expect(new Set(a.map((e) => e.model))).toEqual(new Set(MODELS));
  });

  it('computes the 7-day aggregates as of a given time exactly as an independent computation', async () => {
    const opts = { seed: 7, events: 20_000, users: 300, start, days: 14 };
    const raw = join(tmp.dir, 'raw');
    // Small chunks so the multi-part path is exercised.
    const written = await writeEvents(raw, opts, 6_000);
    expect(written).toMatchObject({ events: 20_000 });
    expect(written.files).toHaveLength(4);
    const events = [...generateEvents(opts)];
    const db = await DuckDBSession.create();
    try {
      for (const asOf of [new Date('2024-01-08T00:00:00Z'), new Date('2024-01-12T13:30:00Z')]) {
        const out = join(tmp.dir, `f-${asOf.getTime()}.parquet`);
        const n = await computeUserActivityFeatures({ input: raw, asOf, createdAt: asOf, outputPath: out, db });
        const got = await db.all(`SELECT * EXCLUDE (event_date, created_at) FROM read_parquet('${out}') ORDER BY user_id`);
        const want = expected(events, asOf);
        expect(n).toBe(want.length);
        expect(got).toEqual(want);
        const [ts] = await db.all(`SELECT min(event_date) AS lo, max(event_date) AS hi FROM read_parquet('${out}')`);
        expect([ts.lo, ts.hi]).toEqual([asOf, asOf]);
      }
    } finally {
      db.close();
    }
  });
});
