-- TimescaleDB rollups: continuous aggregates exposing the SAME columns as the
-- plain-PostgreSQL rollup tables (series_id, bucket, min, max, sum, count,
-- last, last_time), so one query path reads both. Real-time aggregation
-- (materialized_only = false) unions the not-yet-materialised tail from the
-- hypertable, so recent data is never missing from a rollup read.
-- WITH NO DATA: a continuous aggregate created WITH DATA cannot run inside the
-- migration's transaction; the refresh policies fill them.
CREATE MATERIALIZED VIEW samples_1m
  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT series_id,
       time_bucket(INTERVAL '1 minute', time) AS bucket,
       min(value) AS min,
       max(value) AS max,
       sum(value) AS sum,
       count(*) AS count,
       last(value, time) AS last,
       max(time) AS last_time
FROM samples
GROUP BY series_id, time_bucket(INTERVAL '1 minute', time)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('samples_1m',
  start_offset => INTERVAL '2 hours', end_offset => INTERVAL '1 minute', schedule_interval => INTERVAL '1 minute');

CREATE MATERIALIZED VIEW samples_1h
  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT series_id,
       time_bucket(INTERVAL '1 hour', time) AS bucket,
       min(value) AS min,
       max(value) AS max,
       sum(value) AS sum,
       count(*) AS count,
       last(value, time) AS last,
       max(time) AS last_time
FROM samples
GROUP BY series_id, time_bucket(INTERVAL '1 hour', time)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('samples_1h',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes');
