-- TimescaleDB: the same point tables as plain PostgreSQL, as hypertables with
-- one-day chunks (the chunks being written keep their indexes hot), no default
-- indexes but (series_id, time DESC), compressed per series after two hours.
-- Retention is a policy; Maintenance re-applies it with the configured days.
CREATE EXTENSION IF NOT EXISTS timescaledb;

CREATE TABLE samples (
  time timestamptz NOT NULL,
  series_id bigint NOT NULL,
  value double precision NOT NULL
);
SELECT create_hypertable('samples', by_range('time', INTERVAL '1 day'), create_default_indexes => false);
CREATE INDEX samples_series_time ON samples (series_id, time DESC);
ALTER TABLE samples SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('samples', compress_after => INTERVAL '2 hours');
SELECT add_retention_policy('samples', drop_after => INTERVAL '30 days');

CREATE TABLE histogram_samples (
  time timestamptz NOT NULL,
  series_id bigint NOT NULL,
  start_time timestamptz,
  count bigint NOT NULL,
  sum double precision,
  min double precision,
  max double precision,
  bounds double precision[] NOT NULL,
  bucket_counts bigint[] NOT NULL
);
SELECT create_hypertable('histogram_samples', by_range('time', INTERVAL '1 day'), create_default_indexes => false);
CREATE INDEX histogram_samples_series_time ON histogram_samples (series_id, time DESC);
ALTER TABLE histogram_samples SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('histogram_samples', compress_after => INTERVAL '2 hours');
SELECT add_retention_policy('histogram_samples', drop_after => INTERVAL '30 days');

CREATE TABLE exp_histogram_samples (
  time timestamptz NOT NULL,
  series_id bigint NOT NULL,
  start_time timestamptz,
  count bigint NOT NULL,
  sum double precision,
  min double precision,
  max double precision,
  scale integer NOT NULL,
  zero_count bigint NOT NULL,
  zero_threshold double precision NOT NULL,
  positive_offset integer NOT NULL,
  positive_counts bigint[] NOT NULL,
  negative_offset integer NOT NULL,
  negative_counts bigint[] NOT NULL
);
SELECT create_hypertable('exp_histogram_samples', by_range('time', INTERVAL '1 day'), create_default_indexes => false);
CREATE INDEX exp_histogram_samples_series_time ON exp_histogram_samples (series_id, time DESC);
ALTER TABLE exp_histogram_samples SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('exp_histogram_samples', compress_after => INTERVAL '2 hours');
SELECT add_retention_policy('exp_histogram_samples', drop_after => INTERVAL '30 days');
