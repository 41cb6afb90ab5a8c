/**
 * The seed's feature repo: a user entity, 7-day batch aggregates and realtime session signals.
 * Everything here is plain data; `skewless apply` registers it and every entry point serves it.
 */
import { Bool, Entity, FeatureService, FeatureView, Field, FileSource, Float32, Float64, Int64, OnDemandFeatureView, PushSource, String } from 'skewless';
import { computeUserActivityFeatures, engagementFeatures } from './transformations.js';

export const user = new Entity({
  name: 'user_id',
  valueType: String,
  description: 'Unique user identifier',
});

/** Daily 7-day aggregates written by `computeUserActivityFeatures` (one part file per as-of day). */
export const userActivitySource = new FileSource({
  name: 'user_activity_source',
  path: 'data/user_activity',
  timestampField: 'event_date',
  createdTimestampColumn: 'created_at',
});

/** Realtime events land here when pushed offline, so training sees what serving saw. */
export const userRealtimeBatch = new FileSource({
  name: 'user_realtime_batch',
  path: 'data/user_realtime',
  timestampField: 'event_timestamp',
  createdTimestampColumn: 'created_at',
});

export const userRealtimeEvents = new PushSource({
  name: 'user_realtime_events',
  batchSource: userRealtimeBatch,
});

export const userActivity = new FeatureView({
  name: 'user_activity',
  entities: [user],
  ttl: { days: 7 },
  schema: [
    new Field({ name: 'sessions_7d', dtype: Int64 }),
    new Field({ name: 'avg_session_duration_sec', dtype: Float32 }),
    new Field({ name: 'messages_sent_7d', dtype: Int64 }),
    new Field({ name: 'tools_used_7d', dtype: Int64 }),
    new Field({ name: 'preferred_model', dtype: String }),
    new Field({ name: 'total_tokens_7d', dtype: Int64 }),
  ],
  source: userActivitySource,
  // The seed's batch job, declared beside its view: `skewless compute user_activity --as-of T`.
  batch: { input: 'data/raw_events', compute: computeUserActivityFeatures },
  online: true,
  owner: 'platform@example.com',
  tags: { team: 'platform', freshness_sla: 'daily', version: '2' },
});

export const userRealtime = new FeatureView({
  name: 'user_realtime',
  entities: [user],
  ttl: { hours: 1 },
  schema: [
    new Field({ name: 'current_session_messages', dtype: Int64 }),
    new Field({ name: 'current_session_tokens', dtype: Int64 }),
    new Field({ name: 'last_active_minutes_ago', dtype: Float32 }),
  ],
  source: userRealtimeEvents,
  online: true,
  owner: 'platform@example.com',
  tags: { team: 'platform', freshness_sla: 'realtime', version: '1' },
});

/** Computed at request time from both views, by the same function online and offline. */
export const userEngagement = new OnDemandFeatureView({
  name: 'user_engagement',
  sources: [userActivity.select('sessions_7d', 'messages_sent_7d', 'total_tokens_7d'), userRealtime.select('current_session_tokens')],
  schema: [
    new Field({ name: 'tokens_per_message_7d', dtype: Float64 }),
    new Field({ name: 'realtime_token_share', dtype: Float64 }),
    new Field({ name: 'is_power_user', dtype: Bool }),
  ],
  transform: engagementFeatures,
});

/** What the churn model reads, pinned to the versions above. */
export const churnModel = new FeatureService({
  name: 'churn_model',
  features: [userActivity, userRealtime, userEngagement],
  description: 'Features of the churn model',
});
