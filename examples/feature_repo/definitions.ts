/**
 * The seed's feature repo: a user entity, 7-day aggregations over raw events, a daily batch view and realtime session signals.
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
export const userActivityDailySource = new FileSource({
  name: 'user_activity_daily_source',
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

/** The raw events exactly as the generator writes them; pushes of new events land beside them. */
export const rawEvents = new FileSource({
  name: 'raw_events',
  path: 'data/raw_events',
  timestampField: 'event_date',
});

export const userEvents = new PushSource({
  name: 'user_events',
  batchSource: rawEvents,
});

/**
 * The seed's 7-day features, declared as windowed aggregations over the raw events: exact at every
 * training timestamp offline, and updated online by each pushed event (docs/aggregations.md).
 */
export const userActivity = new FeatureView({
  name: 'user_activity',
  entities: [user],
  source: userEvents,
  eventSchema: [
    new Field({ name: 'session_id', dtype: String }),
    new Field({ name: 'duration_sec', dtype: Float64 }),
    new Field({ name: 'message_count', dtype: Int64 }),
    new Field({ name: 'tool_invocations', dtype: Int64 }),
    new Field({ name: 'model', dtype: String }),
    new Field({ name: 'tokens', dtype: Int64 }),
  ],
  aggregations: [
    { column: 'session_id', function: 'count_distinct', window: '7d', name: 'sessions_7d' },
    { column: 'duration_sec', function: 'mean', window: '7d', name: 'avg_session_duration_sec' },
    { column: 'message_count', function: 'sum', window: '7d', name: 'messages_sent_7d' },
    { column: 'tool_invocations', function: 'sum', window: '7d', name: 'tools_used_7d' },
    { column: 'tokens', function: 'sum', window: '7d', name: 'total_tokens_7d' },
    { column: 'tokens', function: 'sum', window: '1d', name: 'total_tokens_1d' },
    { column: 'message_count', function: 'sum', window: '1h', name: 'messages_sent_1h' },
    { column: 'model', function: 'last', window: '7d', name: 'last_model' },
  ],
  online: true,
  owner: 'platform@example.com',
  tags: { team: 'platform', freshness_sla: 'realtime', version: '3' },
});

/**
 * The seed's daily batch job, kept for what aggregations cannot express: the preferred model is the
 * mode of the week's models (ties → alphabetically first), not a count, sum, mean, min, max or last.
 */
export const userActivityDaily = new FeatureView({
  name: 'user_activity_daily',
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
  source: userActivityDailySource,
  // The seed's batch job, declared beside its view: `skewless compute user_activity_daily --as-of T`.
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
  features: [userActivity, userActivityDaily.select('preferred_model'), userRealtime, userEngagement],
  description: 'Features of the churn model',
});
