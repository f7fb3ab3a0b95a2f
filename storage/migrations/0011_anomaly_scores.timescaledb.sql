-- TimescaleDB: per-point anomaly scores as a hypertable with one-day chunks,
-- keyed (series_id, monitor, time) so a rerun of a job upserts, compressed per
-- series after a day, dropped with the samples' retention.
CREATE TABLE anomaly_score (
  time timestamptz NOT NULL,
  series_id bigint NOT NULL,
  monitor text NOT NULL,
  value double precision,
  score double precision,
  expected double precision,
  lower double precision,
  upper double precision,
  PRIMARY KEY (series_id, monitor, time)
);
SELECT create_hypertable('anomaly_score', by_range('time', INTERVAL '1 day'), create_default_indexes => false);
ALTER TABLE anomaly_score SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id, monitor', timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('anomaly_score', compress_after => INTERVAL '1 day');
SELECT add_retention_policy('anomaly_score', drop_after => INTERVAL '30 days');
