-- One point per (series_id, time) — see 0006_unique_points.postgres.sql for why.
-- NOT RUN on the development machine (no TimescaleDB package there); only its
-- text is checked by storage/test/timescale.test.ts. Written for TimescaleDB
-- 2.13+ (by_range, as 0002).
--
-- TimescaleDB refuses CREATE UNIQUE INDEX on a hypertable with compression
-- enabled ("operation not supported on hypertables that have compression
-- enabled"), so each table goes through: compression policy removed, every
-- compressed chunk decompressed, compression disabled, duplicates deleted,
-- unique index built, compression and its policy restored as in 0002. This
-- decompresses the whole history in one transaction: it needs the disk space of
-- the uncompressed data and holds the tables locked while it runs; the policy
-- recompresses the chunks afterwards. A unique index on a hypertable must
-- include the time column: (series_id, time DESC) does.
--
-- The continuous aggregates record the deleted rows in their invalidation log,
-- but their policies only refresh the last 2 hours (1m) and 3 days (1h). After
-- migrating a database that had duplicates, refresh the older buckets by hand,
-- outside a transaction (refresh_continuous_aggregate cannot run inside one):
--   CALL refresh_continuous_aggregate('samples_1m', NULL, now() - INTERVAL '1 minute');
--   CALL refresh_continuous_aggregate('samples_1h', NULL, now() - INTERVAL '1 hour');
LOCK TABLE samples, histogram_samples, exp_histogram_samples IN ACCESS EXCLUSIVE MODE;

SELECT remove_compression_policy('samples', if_exists => true);
SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('samples') c;
ALTER TABLE samples SET (timescaledb.compress = false);
DELETE FROM samples a USING samples b
WHERE a.series_id = b.series_id AND a.time = b.time AND a.tableoid = b.tableoid AND a.ctid > b.ctid;
DROP INDEX samples_series_time;
CREATE UNIQUE INDEX samples_series_time ON samples (series_id, time DESC);
ALTER TABLE samples SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('samples', compress_after => INTERVAL '2 hours');

SELECT remove_compression_policy('histogram_samples', if_exists => true);
SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('histogram_samples') c;
ALTER TABLE histogram_samples SET (timescaledb.compress = false);
DELETE FROM histogram_samples a USING histogram_samples b
WHERE a.series_id = b.series_id AND a.time = b.time AND a.tableoid = b.tableoid AND a.ctid > b.ctid;
DROP INDEX histogram_samples_series_time;
CREATE UNIQUE INDEX histogram_samples_series_time ON histogram_samples (series_id, time DESC);
ALTER TABLE histogram_samples SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('histogram_samples', compress_after => INTERVAL '2 hours');

SELECT remove_compression_policy('exp_histogram_samples', if_exists => true);
SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('exp_histogram_samples') c;
ALTER TABLE exp_histogram_samples SET (timescaledb.compress = false);
DELETE FROM exp_histogram_samples a USING exp_histogram_samples b
WHERE a.series_id = b.series_id AND a.time = b.time AND a.tableoid = b.tableoid AND a.ctid > b.ctid;
DROP INDEX exp_histogram_samples_series_time;
CREATE UNIQUE INDEX exp_histogram_samples_series_time ON exp_histogram_samples (series_id, time DESC);
ALTER TABLE exp_histogram_samples SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');
SELECT add_compression_policy('exp_histogram_samples', compress_after => INTERVAL '2 hours');
