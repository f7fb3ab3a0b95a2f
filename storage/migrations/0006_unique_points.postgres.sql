-- One point per (series_id, time), as in Prometheus and every TSDB: an exporter
-- that retries a write whose answer it never got must not store its points twice
-- (that doubles sums and counts and skews rates and rollups). The writer keeps its
-- binary COPY fast path and, when a batch hits the unique index, re-runs it with
-- INSERT … ON CONFLICT DO NOTHING (first write wins; see writer.ts).
--
-- Writers wait for this migration (the tables are locked for its duration): it
-- reads every point table once to remove duplicates and rebuilds the three
-- (series_id, time) indexes as UNIQUE on every partition.
LOCK TABLE samples, histogram_samples, exp_histogram_samples IN ACCESS EXCLUSIVE MODE;

-- Keep the first stored row of each (series_id, time): the lowest ctid in its
-- partition (rows are only ever appended; both copies of a point live in the
-- same daily partition). The deleted points' times go to rollup_dirty, one
-- whole-minute range per hour that had duplicates, so Maintenance recomputes the
-- 1m and 1h rollups that counted them twice (see rollup-backfill.ts).
WITH gone AS (
  DELETE FROM samples a USING samples b
  WHERE a.series_id = b.series_id AND a.time = b.time AND a.tableoid = b.tableoid AND a.ctid > b.ctid
  RETURNING a.time
)
INSERT INTO rollup_dirty (from_time, to_time)
SELECT date_bin(INTERVAL '1 minute', min(time), TIMESTAMPTZ '1970-01-01 00:00:00+00'),
       date_bin(INTERVAL '1 minute', max(time), TIMESTAMPTZ '1970-01-01 00:00:00+00') + INTERVAL '1 minute'
FROM gone
GROUP BY date_bin(INTERVAL '1 hour', time, TIMESTAMPTZ '1970-01-01 00:00:00+00');

DELETE FROM histogram_samples a USING histogram_samples b
WHERE a.series_id = b.series_id AND a.time = b.time AND a.tableoid = b.tableoid AND a.ctid > b.ctid;

DELETE FROM exp_histogram_samples a USING exp_histogram_samples b
WHERE a.series_id = b.series_id AND a.time = b.time AND a.tableoid = b.tableoid AND a.ctid > b.ctid;

-- The same indexes, now UNIQUE. On a partitioned table a unique index must
-- include the partition key (time): it does. Indexes declared on the parent
-- cascade to every partition, present and future.
DROP INDEX samples_series_time;
CREATE UNIQUE INDEX samples_series_time ON samples (series_id, time);
DROP INDEX histogram_samples_series_time;
CREATE UNIQUE INDEX histogram_samples_series_time ON histogram_samples (series_id, time);
DROP INDEX exp_histogram_samples_series_time;
CREATE UNIQUE INDEX exp_histogram_samples_series_time ON exp_histogram_samples (series_id, time);
