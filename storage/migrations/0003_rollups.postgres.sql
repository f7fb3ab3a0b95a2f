-- Plain PostgreSQL rollups, kept by Maintenance from a watermark: every
-- bucket strictly before `rollup_watermark.covered_until` is complete.
-- Columns are mergeable (min, max, sum, count, last by last_time), so a
-- coarser step is computed from them exactly, avg = sum / count.
CREATE TABLE samples_1m (
  series_id bigint NOT NULL,
  bucket timestamptz NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  sum double precision NOT NULL,
  count bigint NOT NULL,
  last double precision NOT NULL,
  last_time timestamptz NOT NULL,
  PRIMARY KEY (series_id, bucket)
);

CREATE TABLE samples_1h (LIKE samples_1m INCLUDING ALL);

CREATE TABLE rollup_watermark (
  rollup text PRIMARY KEY CHECK (rollup IN ('samples_1m', 'samples_1h')),
  covered_until timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
