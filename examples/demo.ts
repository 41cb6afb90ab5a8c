/**
 * `npm run demo`: the whole loop on the embedded default (provider local), no cloud, no server.
 * Generate raw events → apply → compute the daily batch view → materialize (and backfill the
 * aggregation tiles from the raw events) → push a new raw event and watch user_activity's 7-day
 * aggregates change online at once → online vectors → a PIT training set exact at each row's
 * timestamp → freshness. Runs on a fixed clock, so it is repeatable.
 */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import Table from 'cli-table3';
import { FeatureStore } from '../shared/feature-store.js';
import type { OnlineFeaturesResponse } from '../shared/services/online-read.js';
import { formatPlan } from '../shared/registry/plan.js';
import { formatCell } from '../cli/output.js';
import { readEventBatches, userIdOf, writeEvents } from './feature_repo/generate-events.js';

const EXAMPLE = resolve(import.meta.dirname, 'feature_repo');
const DAY = 86_400_000;

export interface DemoOptions {
  /** The repo to run in; anything but the example repo gets a copy of its definitions. */
  repo: string;
  now: Date;
  events: number;
  /** Extra skewless.json settings (e.g. provider aws). */
  config?: Record<string, unknown>;
  log?: (line: string) => void;
}

function table(head: string[], rows: unknown[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map(formatCell));
  return t.toString();
}

/** The demo flow; returns what it printed the tables from, so providers can be compared. */
export async function runDemo(o: DemoOptions): Promise<{ online: OnlineFeaturesResponse; training: Record<string, unknown>[] }> {
  const log = o.log ?? ((line: string) => console.log(line));
  // The header comes before the step runs (a long step shows what it is doing), its time after.
  const step = async <T>(title: string, fn: () => Promise<T>): Promise<T> => {
    log(`\n== ${title}`);
    const t0 = performance.now();
    const r = await fn();
    log(`(${((performance.now() - t0) / 1000).toFixed(2)} s)`);
    return r;
  };
  const REPO = resolve(o.repo);
  const NOW = o.now;
  const started = performance.now();
  if (REPO !== EXAMPLE) {
    await mkdir(REPO, { recursive: true });
    for (const f of ['definitions.ts', 'transformations.ts']) await copyFile(join(EXAMPLE, f), join(REPO, f));
    const base = JSON.parse(await readFile(join(EXAMPLE, 'skewless.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(REPO, 'skewless.json'), JSON.stringify({ ...base, ...o.config }, null, 2));
    // Definitions are ES modules wherever the repo lives.
    await writeFile(join(REPO, 'package.json'), '{ "private": true, "type": "module" }\n');
  }
  await rm(join(REPO, 'data'), { recursive: true, force: true });
  await rm(join(REPO, '.skewless'), { recursive: true, force: true });

  const start = new Date(Math.floor(NOW.getTime() / DAY) * DAY - 21 * DAY);
  const gen = await step(`generate ${o.events} raw events (seed 42)`, () =>
    writeEvents(join(REPO, 'data/raw_events'), { seed: 42, events: o.events, start, days: 21 + (NOW.getTime() % DAY) / DAY }),
  );
  log(`${gen.events} events in ${gen.files.length} Parquet part(s)`);

  const store = await FeatureStore.open(REPO, { now: () => NOW });
  try {
    const definitions = await store.loadDefinitions();
    const plan = await step('apply', async () => store.apply(definitions));
    log(formatPlan(plan));

    // The batch job declared on user_activity_daily (the preferred model: a mode, which no
    // aggregation expresses), once per day for the last 14 days, as of each midnight.
    const today = Math.floor(NOW.getTime() / DAY) * DAY;
    let users = 0;
    await step('compute user_activity_daily (preferred model) for 14 daily as-of times', async () => {
      for (let d = 13; d >= 0; d--) users = (await store.compute('user_activity_daily', new Date(today - d * DAY))).rows;
    });
    log(`latest run: ${users} users`);

    // Locally the raw events' folder is user_events' batch source. In the cloud the offline store is
    // S3: historical events are pushed there (offline) first, as a team moving to skewless would.
    if (store.config.provider !== 'local') {
      await step('push the historical raw events to user_events (offline, in S3)', async () => {
        for await (const rows of readEventBatches(gen.files, store.config.limits.maxRowsPerPush)) {
          await store.push({ pushSourceName: 'user_events', to: 'offline', rows });
        }
      });
    }

    // user_activity's tiles are backfilled from the raw events here; pushes keep them fresh after.
    const mat = await step('materialize-incremental (user_activity: tiles backfilled from raw events)', () => store.materializeIncremental({ end: NOW }));
    log(
      table(
        ['view', 'start', 'end', 'rows', 'written'],
        mat.map((m) => [m.view, m.start, m.end, m.rows, m.written]),
      ),
    );

    const ids = [userIdOf(1), userIdOf(2), userIdOf(3)];
    const pushed = await step('push 3 realtime events (online and offline)', () =>
      store.push({
        pushSourceName: 'user_realtime_events',
        to: 'online_and_offline',
        df: {
          user_id: ids,
          event_timestamp: ids.map((_, i) => new Date(NOW.getTime() - (i + 1) * 60_000).toISOString()),
          created_at: ids.map(() => NOW.toISOString()),
          current_session_messages: [12, 3, 40],
          current_session_tokens: [5400, 800, 21000],
          last_active_minutes_ago: [1.5, 2, 0.25],
        },
      }),
    );
    log(pushed.online.map((p) => `${p.view}: ${p.written} written`).join(', '));

    // One new raw event for user 2, pushed exactly as the generator writes events: the 7-day
    // aggregates change online at once (and the same event is in the training data offline).
    const live = ['sessions_7d', 'messages_sent_7d', 'total_tokens_7d', 'messages_sent_1h'].map((f) => `user_activity:${f}`);
    const before = await store.getOnlineFeatures({ features: live, entities: { user_id: [ids[1]] } });
    const event = {
      user_id: ids[1],
      session_id: 's_live_1',
      event_date: new Date(NOW.getTime() - 30_000).toISOString(),
      duration_sec: 42.5,
      message_count: 7,
      tool_invocations: 1,
      model: 'claude-sonnet',
      tokens: 3500,
    };
    const pushedEvent = await step(`push 1 raw event to user_events for ${ids[1]} (online and offline), then again (a re-delivery)`, async () => {
      const first = await store.push({ pushSourceName: 'user_events', to: 'online_and_offline', rows: [event] });
      const again = await store.push({ pushSourceName: 'user_events', to: 'online', rows: [event] });
      return { first, again };
    });
    log(pushedEvent.first.online.map((p) => `${p.view}: ${p.written} written`).join(', '));
    log(pushedEvent.again.online.map((p) => `re-delivered: ${p.view}: ${p.written} written, ${p.skipped} skipped`).join(', '));
    const after = await store.getOnlineFeatures({ features: live, entities: { user_id: [ids[1]] } });
    log(
      table(
        ['feature', 'before push', 'after push (and re-delivery)'],
        live.map((f, i) => [f, before.results[i + 1].values[0], after.results[i + 1].values[0]]),
      ),
    );

    const online = await step('online vectors (feature service churn_model)', () =>
      store.getOnlineFeatures({ featureService: 'churn_model', entities: { user_id: [...ids, 'u_unknown'] } }),
    );
    log(
      table(
        ['feature', ...online.results[0].values.map(String)],
        online.metadata.feature_names.slice(1).map((n, i) => {
          const col = online.results[i + 1];
          return [n, ...col.values.map((v, j) => (col.statuses[j] === 'PRESENT' ? v : col.statuses[j]))];
        }),
      ),
    );

    const entityRows = ids.flatMap((id, i) => [
      { user_id: id, event_timestamp: new Date(today - (10 - i) * DAY + 3_600_000), label: i % 2 },
      { user_id: id, event_timestamp: new Date(NOW.getTime()), label: (i + 1) % 2 },
    ]);
    const training = await step(`point-in-time training set for ${entityRows.length} entity rows`, () =>
      store.getHistoricalFeatures({
        entity: { rows: entityRows },
        features: [
          'user_activity:sessions_7d',
          'user_activity:total_tokens_7d',
          'user_activity_daily:preferred_model',
          'user_realtime:current_session_messages',
          'user_engagement:tokens_per_message_7d',
        ],
      }),
    );
    // user_activity is exact at each row's timestamp (over (ts − 7d, ts], raw events); the daily
    // batch view would have served the snapshot of the previous midnight.
    const head = [
      'user_id',
      'event_timestamp',
      'label',
      'sessions_7d',
      'total_tokens_7d',
      'preferred_model',
      'current_session_messages',
      'tokens_per_message_7d',
    ];
    log(
      table(
        head,
        training.rows!.map((r) => head.map((h) => r[h])),
      ),
    );

    const fresh = await step('freshness', () => store.freshness());
    log(
      table(
        ['view', 'version', 'watermark', 'age s', 'sla s', 'status'],
        fresh.map((f) => [f.view, f.version, f.watermark, f.ageSeconds, f.slaSeconds, f.status.toUpperCase()]),
      ),
    );
    log(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s (clock fixed at ${NOW.toISOString()})`);
    // TTLs are judged against "now": serving on the demo's clock keeps these values fresh however late you look.
    log(`serve these features: node cli/bin.js --repo ${relative(process.cwd(), REPO) || '.'} serve --now ${NOW.toISOString()}`);
    return { online, training: training.rows! };
  } finally {
    await store.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  // DEMO_REPO runs the demo on a copy of the example repo elsewhere (tests do).
  await runDemo({
    repo: process.env.DEMO_REPO ?? EXAMPLE,
    // One instant for the whole run (DEMO_NOW pins it): data, TTLs and freshness all agree on "now",
    // and `skewless serve` right after the demo finds the features fresh.
    now: process.env.DEMO_NOW ? new Date(process.env.DEMO_NOW) : new Date(Math.floor(Date.now() / 60_000) * 60_000),
    events: Number(process.env.DEMO_EVENTS ?? 200_000),
  });
}
