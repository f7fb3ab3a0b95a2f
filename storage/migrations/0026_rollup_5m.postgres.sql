-- A 5-minute rollup between samples_1m and samples_1h (plain PostgreSQL), kept by Maintenance from samples_1m
-- like samples_1h (rollups.ts): steps of whole 5 minutes that are not whole hours (10, 15, 20, 30 minutes) read
-- it instead of re-binning five times as many 1-minute rows. Same columns, key and indexes as samples_1m; kept as
-- long as samples_1m (the raw retention).
CREATE TABLE samples_5m (LIKE samples_1m INCLUDING ALL);
CREATE INDEX samples_5m_bucket_brin ON samples_5m USING brin (bucket);

ALTER TABLE rollup_watermark DROP CONSTRAINT rollup_watermark_rollup_check;
ALTER TABLE rollup_watermark ADD CONSTRAINT rollup_watermark_rollup_check
  CHECK (rollup IN ('samples_1m', 'samples_5m', 'samples_1h'));

-- What samples_1m already covers, in whole 5-minute buckets; Maintenance carries on from the watermark.
INSERT INTO rollup_watermark (rollup, covered_until)
SELECT 'samples_5m', date_bin(INTERVAL '5 minutes', covered_until, TIMESTAMPTZ '1970-01-01 00:00:00+00')
FROM rollup_watermark WHERE rollup = 'samples_1m';

INSERT INTO samples_5m (series_id, bucket, min, max, sum, count, last, last_time)
SELECT series_id, date_bin(INTERVAL '5 minutes', bucket, TIMESTAMPTZ '1970-01-01 00:00:00+00'), min(min), max(max),
       sum(sum), sum(count), (array_agg(last ORDER BY last_time DESC))[1], max(last_time)
FROM samples_1m
WHERE bucket < (SELECT covered_until FROM rollup_watermark WHERE rollup = 'samples_5m')
GROUP BY 1, 2;
