import { expect } from 'vitest';
import type { FeatureStore } from '../../shared/feature-store.js';
import type { TileEvent } from '../../shared/online/tiles/partials.js';
import { tileLayoutOf } from '../../shared/online/tiles/view-layout.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { closeTo, oracleAggregate } from './tile-oracle.js';

const H = 3_600_000;
const D = 24 * H;

/**
 * Backfill of an aggregation view (docs/aggregations-online.md#backfill) against a brute-force
 * oracle: random historical events of `propertyDefinitions()`'s view — nulls in every event column
 * (a third of the events have at least one), duplicates, ties, events on hour bounds, tag values
 * holding ", " and brackets — are pushed offline only; a materialization then folds them into
 * tiles. At random lookup times t ≥ the backfill's clock, every online value must equal the oracle
 * over the distinct events in (t − window, t]. The offline value for (key, t) is checked against
 * the same oracle. Returns the number of (row, feature) values compared online.
 */
export async function checkBackfillEqualsOracle(
  store: FeatureStore,
  clock: { now: Date },
  seed: number,
  opts: { events: number; lookups: number; chunkBytes?: number },
): Promise<number> {
  const rand = seededRandom(seed);
  const users = ['a', 'b', 'c'];
  const start = Date.UTC(2026, 0, 1);
  const span = 9 * D;
  const tags = ['m0', 'm1', 'a, b', '[x]', 'm, [y]'];
  const events = Array.from({ length: opts.events }, (_, i) => {
    const ts = i % 5 === 0 ? start + randomInt(rand, 0, span / H) * H : start + randomInt(rand, 0, span);
    return {
      user_id: users[randomInt(rand, 0, users.length)],
      ts,
      qty: rand() < 0.15 ? null : randomInt(rand, -20, 50),
      score: rand() < 0.15 ? null : Math.round(rand() * 1e6) / 1e3,
      tag: rand() < 0.15 ? null : tags[randomInt(rand, 0, tags.length)],
    };
  });
  // Duplicates (one event delivered twice) and ties (another event at the same instant).
  for (let i = 0; i < opts.events / 10; i++) events.push({ ...events[randomInt(rand, 0, events.length)] });
  for (let i = 0; i < opts.events / 10; i++) events.push({ ...events[randomInt(rand, 0, events.length)], tag: `tie${i % 3}` });
  expect(events.filter((e) => e.qty === null || e.score === null || e.tag === null).length).toBeGreaterThan(opts.events / 5);

  const newest = Math.max(...events.map((e) => e.ts));
  clock.now = new Date(newest + 1);
  const shuffled = [...events].sort(() => rand() - 0.5);
  for (let i = 0; i < shuffled.length; i += 100) {
    const rows = shuffled.slice(i, i + 100).map((e) => ({ ...e, ts: new Date(e.ts).toISOString() }));
    await store.push({ pushSourceName: 'events', to: 'offline', rows });
  }
  const [run] = await store.materialize({
    start: new Date(start),
    end: clock.now,
    views: ['agg'],
    ...(opts.chunkBytes ? { chunkBytes: opts.chunkBytes } : {}),
  });
  expect(run.written).toBeGreaterThan(0);

  const view = (await store.context.registry()).view('agg');
  const layout = tileLayoutOf(view, 0)!;
  const names = view.features.map((f) => f.name);
  // The oracle's events: distinct on their whole content, as offline and online define an event.
  const distinct = new Map<string, (typeof events)[number]>();
  for (const e of events) distinct.set(JSON.stringify([e.user_id, e.ts, e.qty, e.score, e.tag]), e);
  const byUser = (u: string): TileEvent[] =>
    [...distinct.values()].filter((e) => e.user_id === u).map((e) => ({ id: '', ts: e.ts, values: { qty: e.qty, score: e.score, tag: e.tag } }));

  const times = Array.from({ length: opts.lookups }, (_, q) =>
    q === 0 ? clock.now.getTime() : q % 2 ? Math.ceil(newest / H) * H + randomInt(rand, 0, 72) * H : newest + randomInt(rand, 0, 3 * D),
  );
  const keys = [...users, 'nobody'];
  const offline = await store.getHistoricalFeatures({
    entity: { rows: times.flatMap((t) => keys.map((u) => ({ user_id: u, event_timestamp: new Date(t) }))) },
    features: names.map((n) => `agg:${n}`),
  });
  let compared = 0;
  const backfilledAt = clock.now;
  for (const [q, t] of times.entries()) {
    clock.now = new Date(t);
    const online = await store.getOnlineFeatures({ features: names.map((n) => `agg:${n}`), entities: { user_id: keys } });
    keys.forEach((u, j) => {
      const expected = oracleAggregate(byUser(u), layout.aggregations, t);
      const row = offline.rows![q * keys.length + j];
      names.forEach((n, k) => {
        const got = { online: online.results[k + 1].values[j], offline: row[n] };
        if (!closeTo(got.online, expected[n]) || !closeTo(got.offline, expected[n]))
          expect({ seed, t: new Date(t).toISOString(), user: u, feature: n, ...got }).toEqual({
            seed,
            t: new Date(t).toISOString(),
            user: u,
            feature: n,
            online: expected[n],
            offline: expected[n],
          });
        compared++;
      });
    });
  }
  clock.now = backfilledAt;
  return compared;
}
