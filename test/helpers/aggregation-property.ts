import { expect } from 'vitest';
import { Entity, FeatureView, Field, FileSource, Float64, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { closeTo } from './tile-oracle.js';

const H = 3_600_000;
const D = 24 * H;
const TAGS = ['m0', 'm1', 'm2', 'm3', 'm, [4]'];

/** An aggregation view fed by a push source: every function, three windows, hourly tiles. */
export function propertyDefinitions() {
  const user = new Entity({ name: 'user_id', valueType: Str });
  const events = new PushSource({
    name: 'events',
    batchSource: new FileSource({ name: 'event_files', path: 'data/events', timestampField: 'ts' }),
  });
  const view = new FeatureView({
    name: 'agg',
    entities: [user],
    source: events,
    eventSchema: [new Field({ name: 'qty', dtype: Int64 }), new Field({ name: 'score', dtype: Float64 }), new Field({ name: 'tag', dtype: Str })],
    aggregations: [
      { function: 'count', window: '1h' },
      { column: 'qty', function: 'count', window: '1d' },
      { column: 'qty', function: 'sum', window: '7d' },
      { column: 'qty', function: 'sum', window: '1h' },
      { column: 'score', function: 'mean', window: '1d' },
      { column: 'qty', function: 'min', window: '7d' },
      { column: 'tag', function: 'max', window: '1d' },
      { column: 'tag', function: 'last', window: '1h' },
      { column: 'tag', function: 'last_n', n: 3, window: '7d' },
      { column: 'tag', function: 'count_distinct', window: '7d' },
    ],
  });
  return { all: [user, view], view };
}

/**
 * The property of issue 14 item 4: a random event stream, delivered in phases (the clock moves to
 * each phase's newest event), in random order, with duplicates (a fifth of the events delivered
 * twice, some in a later phase) and late events (out of order by up to a day), each delivery pushed
 * online and offline. After every phase, at random lookup times t near the clock (t ≥ clock − the
 * clock-skew allowance, up to 8 days later), the online value of every aggregation equals the
 * offline value for an entity row (key, t). Returns the number of (row, feature) values compared.
 */
export async function checkOnlineEqualsOffline(
  store: FeatureStore,
  clock: { now: Date },
  seed: number,
  opts: { events: number; phases: number; lookups: number },
): Promise<number> {
  const rand = seededRandom(seed);
  const users = ['a', 'b', 'c', 'd'];
  const start = Date.UTC(2026, 0, 1);
  const span = 10 * D;
  const events = Array.from({ length: opts.events }, (_, i) => {
    // Some on whole hours (tile and window bounds), some sharing an instant (ties).
    const ts = i % 7 === 0 ? start + randomInt(rand, 0, span / H) * H : start + randomInt(rand, 0, span);
    return {
      user_id: users[randomInt(rand, 0, users.length)],
      ts,
      qty: rand() < 0.1 ? null : randomInt(rand, -20, 50),
      score: rand() < 0.1 ? null : Math.round(rand() * 1e6) / 1e3,
      // One tag holds ", " and brackets: a last_n array of it must not read as more elements.
      tag: rand() < 0.1 ? null : TAGS[randomInt(rand, 0, TAGS.length)],
    };
  });
  for (let i = 0; i < opts.events / 10; i++) {
    const e = events[randomInt(rand, 0, events.length)];
    events.push({ ...e, tag: `tie${i % 3}` });
  }
  const phaseEnd = (p: number) => start + ((p + 1) * span) / opts.phases;
  // Delivery phase: the event's own phase, or later (late, out of order), never past its retention.
  const deliveries: { phase: number; row: (typeof events)[number] }[] = [];
  for (const e of events) {
    const own = Math.min(opts.phases - 1, Math.floor(((e.ts - start) * opts.phases) / span));
    const late = rand() < 0.15 && own + 1 < opts.phases && phaseEnd(own + 1) - e.ts < D ? own + 1 : own;
    deliveries.push({ phase: late, row: e });
    if (rand() < 0.2) deliveries.push({ phase: Math.min(opts.phases - 1, late + randomInt(rand, 0, 2)), row: e });
  }
  const names = (await store.context.registry()).view('agg').features.map((f) => f.name);
  let compared = 0;
  for (let p = 0; p < opts.phases; p++) {
    const batch = deliveries.filter((d) => d.phase === p).sort(() => rand() - 0.5);
    clock.now = new Date(Math.max(...batch.map((d) => d.row.ts), phaseEnd(p) - 1));
    for (let i = 0; i < batch.length; i += 50) {
      const rows = batch.slice(i, i + 50).map((d) => ({ ...d.row, ts: new Date(d.row.ts).toISOString() }));
      await store.push({ pushSourceName: 'events', to: 'online_and_offline', rows });
    }
    const pushedAt = clock.now.getTime();
    const times = Array.from({ length: opts.lookups }, (_, q) =>
      q === 0 ? pushedAt : q % 3 === 0 ? Math.ceil(pushedAt / H) * H + randomInt(rand, 0, 48) * H : pushedAt - 300_000 + randomInt(rand, 0, 8 * D),
    );
    const offline = await store.getHistoricalFeatures({
      entity: { rows: times.flatMap((t) => [...users, 'nobody'].map((u) => ({ user_id: u, event_timestamp: new Date(t) }))) },
      features: names.map((n) => `agg:${n}`),
    });
    for (const [q, t] of times.entries()) {
      clock.now = new Date(t);
      const online = await store.getOnlineFeatures({ features: names.map((n) => `agg:${n}`), entities: { user_id: [...users, 'nobody'] } });
      for (let j = 0; j <= users.length; j++) {
        const row = offline.rows![q * (users.length + 1) + j];
        names.forEach((n, k) => {
          const got = online.results[k + 1].values[j];
          if (!closeTo(got, row[n]))
            expect({ seed, phase: p, t: new Date(t).toISOString(), user: row.user_id, feature: n, online: got }).toEqual({
              seed,
              phase: p,
              t: new Date(t).toISOString(),
              user: row.user_id,
              feature: n,
              online: row[n],
            });
          compared++;
        });
      }
    }
    clock.now = new Date(pushedAt);
  }
  return compared;
}
