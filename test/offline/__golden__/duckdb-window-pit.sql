WITH "__entity" AS (SELECT "__row_id", CAST("user_id" AS VARCHAR) AS "user_id", CAST("event_timestamp" AS TIMESTAMP) AS "event_timestamp", "label" FROM "stage"),
"fv0__src" AS (SELECT CAST("uid" AS VARCHAR) AS "user_id", CAST("n" AS BIGINT) AS "sessions", CAST("r" AS FLOAT) AS "rate", CAST("ts" AS TIMESTAMP) AS "__event_ts", CAST("created" AS TIMESTAMP) AS "__created_ts" FROM read_parquet(['/data/a.parquet'], union_by_name = true) WHERE CAST("ts" AS TIMESTAMP) >= TIMESTAMP '2024-03-01 00:00:00.000' AND CAST("ts" AS TIMESTAMP) <= TIMESTAMP '2024-03-09 12:00:00.000'),
"fv0__pit" AS (SELECT "__row_id", "sessions" FROM (SELECT e."__row_id" AS "__row_id", f."sessions" AS "sessions", ROW_NUMBER() OVER (PARTITION BY e."__row_id" ORDER BY f."__event_ts" DESC, f."__created_ts" DESC NULLS LAST) AS "__rn" FROM "__entity" e JOIN "fv0__src" f ON e."user_id" = f."user_id" AND f."__event_ts" <= e."event_timestamp" AND f."__event_ts" >= e."event_timestamp" - INTERVAL '86400' SECOND) "ranked" WHERE "__rn" = 1),
"fv1__src" AS (SELECT CAST("uid" AS VARCHAR) AS "user_id", CAST("n" AS BIGINT) AS "sessions", CAST("r" AS FLOAT) AS "rate", CAST("ts" AS TIMESTAMP) AS "__event_ts", CAST(NULL AS TIMESTAMP) AS "__created_ts" FROM read_parquet(['/data/a.parquet'], union_by_name = true) WHERE CAST("ts" AS TIMESTAMP) <= TIMESTAMP '2024-03-09 12:00:00.000'),
"fv1__pit" AS (SELECT "__row_id", "rate" FROM (SELECT e."__row_id" AS "__row_id", f."rate" AS "rate", ROW_NUMBER() OVER (PARTITION BY e."__row_id" ORDER BY f."__event_ts" DESC, f."__created_ts" DESC NULLS LAST) AS "__rn" FROM "__entity" e JOIN "fv1__src" f ON e."user_id" = f."user_id" AND f."__event_ts" <= e."event_timestamp") "ranked" WHERE "__rn" = 1)
SELECT e."user_id", e."event_timestamp", e."label", v0."sessions" AS "sessions", v1."rate" AS "rate"
FROM "__entity" e
LEFT JOIN "fv0__pit" v0 ON v0."__row_id" = e."__row_id"
LEFT JOIN "fv1__pit" v1 ON v1."__row_id" = e."__row_id"
ORDER BY e."__row_id"
