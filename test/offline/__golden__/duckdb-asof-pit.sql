WITH "__entity" AS (SELECT "__row_id", CAST("user_id" AS VARCHAR) AS "user_id", CAST("event_timestamp" AS TIMESTAMP) AS "event_timestamp", "label" FROM "stage"),
"fv0__src" AS (SELECT CAST("uid" AS VARCHAR) AS "user_id", CAST("n" AS BIGINT) AS "sessions", CAST("r" AS FLOAT) AS "rate", CAST("ts" AS TIMESTAMP) AS "__event_ts", CAST("created" AS TIMESTAMP) AS "__created_ts" FROM read_parquet(['/data/a.parquet'], union_by_name = true) WHERE CAST("ts" AS TIMESTAMP) >= TIMESTAMP '2024-03-01 00:00:00.000' AND CAST("ts" AS TIMESTAMP) <= TIMESTAMP '2024-03-09 12:00:00.000'),
"fv0__ordered" AS (SELECT *, (CAST(epoch_us("__event_ts") AS HUGEINT) << 64) + coalesce(CAST(epoch_us("__created_ts") AS HUGEINT) + 9223372036854775808, 0) AS "__pit_order" FROM "fv0__src"),
"fv1__src" AS (SELECT CAST("uid" AS VARCHAR) AS "user_id", CAST("n" AS BIGINT) AS "sessions", CAST("r" AS FLOAT) AS "rate", CAST("ts" AS TIMESTAMP) AS "__event_ts", CAST(NULL AS TIMESTAMP) AS "__created_ts" FROM read_parquet(['/data/a.parquet'], union_by_name = true) WHERE CAST("ts" AS TIMESTAMP) <= TIMESTAMP '2024-03-09 12:00:00.000')
SELECT e."user_id", e."event_timestamp", e."label", CASE WHEN v0."__event_ts" >= e."event_timestamp" - INTERVAL '86400' SECOND THEN v0."sessions" END AS "sessions", v1."rate" AS "rate"
FROM "__entity" e
ASOF LEFT JOIN "fv0__ordered" v0 ON e."user_id" = v0."user_id" AND (CAST(epoch_us(e."event_timestamp") AS HUGEINT) << 64) + 18446744073709551615 >= v0."__pit_order"
ASOF LEFT JOIN "fv1__src" v1 ON e."user_id" = v1."user_id" AND e."event_timestamp" >= v1."__event_ts"
ORDER BY e."__row_id"
