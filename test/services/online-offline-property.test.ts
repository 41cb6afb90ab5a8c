import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Field, Float64, Int64, OnDemandFeatureView } from '../../shared/definitions/index.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';
import { openTestStore, testDefinitions } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';
import { ACTIVITY_COLUMNS, writeParquet } from '../helpers/write-parquet.js';

const T0 = Date.UTC(2024, 2, 1);
const H = 3_600_000;

/**
 * Property: for random data and random times t, an online lookup at t returns exactly what the
 * offline PIT join returns at t — batch features (materialized incrementally), pushed features and
 * on-demand features alike.
 */
describe('online at t = offline PIT at t', () => {
  for (const seed of [11, 22, 33]) {
    it(`holds on random data (seed ${seed})`, async () => {
      const rand = seededRandom(seed);
      const tmp = tempDir();
      const defs = testDefinitions();
      const combined = new OnDemandFeatureView({
        name: 'combined',
        sources: [defs.activity.select('sessions'), defs.realtime.select('messages', 'minutes_ago')],
        schema: [new Field({ name: 'score', dtype: Float64 }), new Field({ name: 'total', dtype: Int64 })],
        transform: (c) => ({
          score: c.sessions.map((s, i) => (s === null || c.minutes_ago[i] === null ? null : (s as number) / (1 + (c.minutes_ago[i] as number)))),
          total: c.sessions.map((s, i) => ((s as number | null) ?? 0) + ((c.messages[i] as number | null) ?? 0)),
        }),
      });
      const users = Array.from({ length: 30 }, (_, i) => `u${i}`);
      // Batch rows every few hours over 20 days, unique times per user.
      const batch = users.flatMap((u) =>
        Array.from({ length: 25 }, (_, k) => ({
          user_id: u,
          event_date: new Date(T0 + (k * 19 + randomInt(rand, 0, 18)) * H),
          created_at: new Date(T0),
          sessions: randomInt(rand, 0, 100),
          model: `m${randomInt(rand, 0, 4)}`,
        })),
      );
      await writeParquet(join(tmp.dir, 'data/activity/p.parquet'), ACTIVITY_COLUMNS, batch);
      const clock = { now: new Date(T0) };
      const store = openTestStore(tmp.dir, clock);
      try {
        await store.apply([...defs.all, combined]);
        const refs = ['activity:sessions', 'activity:model', 'realtime:messages', 'realtime:minutes_ago', 'combined:score', 'combined:total'];
        let t = T0 + 24 * H;
        let pushed = T0;
        let realtimeSeen = 0;
        for (let step = 0; step < 6; step++) {
          // Pushes between the previous t and the next one, at unique random instants.
          const next = t + randomInt(rand, 2, 60) * H;
          // The store's clock reaches the step's end before its events are pushed (events beyond the clock-skew allowance are refused).
          clock.now = new Date(next);
          for (const u of users) {
            if (rand() < 0.6) {
              pushed += 1000;
              const at = Math.min(next - 1, pushed + randomInt(rand, 0, Math.max(1, next - pushed - 1)));
              await store.push({
                pushSourceName: 'realtime_events',
                to: 'online_and_offline',
                rows: [
                  { user_id: u, event_timestamp: new Date(at).toISOString(), messages: randomInt(rand, 0, 50), minutes_ago: randomInt(rand, 0, 600) / 10 },
                ],
              });
              pushed = Math.max(pushed, at);
            }
          }
          t = next;
          clock.now = new Date(t);
          // PIT includes event_ts == t; materialization's end is exclusive, so it runs to t + 1 ms.
          await store.materializeIncremental({ end: new Date(t + 1), views: ['activity'] });
          const online = await store.getOnlineFeatures({ features: refs, entities: { user_id: users } });
          const offline = await store.getHistoricalFeatures({
            entity: { rows: users.map((u) => ({ user_id: u, event_timestamp: new Date(t) })) },
            features: refs,
          });
          refs.forEach((ref, i) => {
            const name = ref.split(':')[1];
            const onlineValues = online.results[i + 1].values;
            const offlineValues = offline.rows!.map((r) => r[name] ?? null);
            expect({ t: new Date(t).toISOString(), ref, values: onlineValues }).toEqual({ t: new Date(t).toISOString(), ref, values: offlineValues });
          });
          // The property is only meaningful if both sides mostly hold values.
          expect(online.results[1].values.filter((v) => v !== null).length).toBeGreaterThan(users.length / 3);
          realtimeSeen += online.results[3].values.filter((v) => v !== null).length;
        }
        expect(realtimeSeen).toBeGreaterThan(0);
      } finally {
        await store.close();
        tmp.cleanup();
      }
    });
  }
});
