-- Plain PostgreSQL: per-point anomaly scores, range-partitioned by UTC day
-- like the samples (partitions created on demand by the anomaly job before it
-- writes, dropped past retention). Keyed (series_id, monitor, time) so a
-- rerun of a job upserts instead of duplicating.
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
) PARTITION BY RANGE (time);
CREATE INDEX anomaly_score_time_brin ON anomaly_score USING brin (time);
