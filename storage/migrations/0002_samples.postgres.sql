-- Plain PostgreSQL: point tables range-partitioned by day (partitions are
-- created ahead by Maintenance and on demand by the writer, dropped for
-- retention). Indexes declared on the parent cascade to every partition.
CREATE TABLE samples (
  time timestamptz NOT NULL,
  series_id bigint NOT NULL,
  value double precision NOT NULL
) PARTITION BY RANGE (time);
-- Every read names its series: the (series_id, time) btree serves range queries.
CREATE INDEX samples_series_time ON samples (series_id, time);
-- Tiny, for the rollup job's time-window scans across all series.
CREATE INDEX samples_time_brin ON samples USING brin (time);

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
) PARTITION BY RANGE (time);
CREATE INDEX histogram_samples_series_time ON histogram_samples (series_id, time);

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
) PARTITION BY RANGE (time);
CREATE INDEX exp_histogram_samples_series_time ON exp_histogram_samples (series_id, time);
