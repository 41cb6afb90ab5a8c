import { FeatureStore } from '../../shared/feature-store.js';
import { LocalOfflineStore } from '../../shared/offline/local/local-offline-store.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import { LocalRegistryStore } from '../../shared/registry/local-registry-store.js';
import { parseConfig } from '../../shared/config/config.js';
import { join } from 'node:path';
import { Entity, FeatureService, FeatureView, Field, FileSource, Float32, Int64, PushSource, String as Str } from '../../shared/definitions/index.js';

/** A small repo in code: a batch view, a push-fed view with a 1 h TTL, and a feature service. */
export function testDefinitions() {
  const user = new Entity({ name: 'user_id', valueType: Str });
  const activity = new FeatureView({
    name: 'activity',
    entities: [user],
    ttl: { days: 7 },
    schema: [new Field({ name: 'sessions', dtype: Int64 }), new Field({ name: 'model', dtype: Str })],
    source: new FileSource({ name: 'activity_src', path: 'data/activity', timestampField: 'event_date', createdTimestampColumn: 'created_at' }),
    tags: { freshness_sla: 'daily' },
  });
  const realtime = new FeatureView({
    name: 'realtime',
    entities: [user],
    ttl: { hours: 1 },
    schema: [new Field({ name: 'messages', dtype: Int64 }), new Field({ name: 'minutes_ago', dtype: Float32 })],
    source: new PushSource({
      name: 'realtime_events',
      batchSource: new FileSource({ name: 'realtime_files', path: 'data/realtime', timestampField: 'event_timestamp' }),
    }),
    tags: { freshness_sla: 'realtime' },
  });
  const service = new FeatureService({ name: 'model_a', features: [activity, realtime.select('messages')] });
  return { user, activity, realtime, service, all: [user, activity, realtime, service] };
}

/** A FeatureStore over a temp dir with a controllable clock. */
export function openTestStore(dir: string, clock: { now: Date }): FeatureStore {
  const config = parseConfig({ project: 'test', registryCacheSeconds: 0 }, dir, {});
  return new FeatureStore(
    config,
    {
      registryStore: new LocalRegistryStore(join(dir, '.skewless/registry.json')),
      online: new SqliteOnlineStore(join(dir, '.skewless/online.sqlite')),
      offline: new LocalOfflineStore({ repoDir: dir }),
    },
    { now: () => clock.now },
  );
}
