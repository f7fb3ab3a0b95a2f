-- TimescaleDB: a 5-minute continuous aggregate between samples_1m and samples_1h, with the same columns (see
-- 0026_rollup_5m.postgres.sql for why), one-day chunks compressed by series as samples_1m (0007, 0008), kept as
-- long as the raw data. WITH NO DATA (a migration runs in a transaction): the refresh policy fills the last hours;
-- after migrating a database with history, fill the rest by hand, outside a transaction:
--   CALL refresh_continuous_aggregate('samples_5m', NULL, now() - INTERVAL '5 minutes');
-- Until then queries read raw samples for the 5-minute steps (its watermark is empty), which is correct but slow.
CREATE MATERIALIZED VIEW samples_5m
  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT series_id,
       time_bucket(INTERVAL '5 minutes', time) AS bucket,
       min(value) AS min,
       max(value) AS max,
       sum(value) AS sum,
       count(*) AS count,
       last(value, time) AS last,
       max(time) AS last_time
FROM samples
GROUP BY series_id, time_bucket(INTERVAL '5 minutes', time)
WITH NO DATA;
SELECT add_continuous_aggregate_policy('samples_5m',
  start_offset => INTERVAL '3 hours', end_offset => INTERVAL '5 minutes', schedule_interval => INTERVAL '5 minutes');
SELECT set_chunk_time_interval('samples_5m', INTERVAL '1 day');
ALTER MATERIALIZED VIEW samples_5m SET (timescaledb.compress = true, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('samples_5m', compress_after => INTERVAL '4 hours');
SELECT add_retention_policy('samples_5m', drop_after => INTERVAL '30 days');
