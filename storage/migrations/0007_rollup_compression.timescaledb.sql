-- TimescaleDB: the continuous aggregates' materialisations are compressed too,
-- as the point tables are (segmented by series_id, their GROUP BY column,
-- ordered by bucket). samples_1h is kept for a year: compressed, its rows cost
-- a fraction. A chunk is compressed once the refresh policy no longer rewrites
-- it (compress_after beyond the policy's start_offset: 2 hours for 1m, 3 days
-- for 1h); later refreshes (backfill) write into compressed chunks, which
-- TimescaleDB supports.
ALTER MATERIALIZED VIEW samples_1m SET (timescaledb.compress = true, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('samples_1m', compress_after => INTERVAL '1 day');
ALTER MATERIALIZED VIEW samples_1h SET (timescaledb.compress = true, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'bucket DESC');
SELECT add_compression_policy('samples_1h', compress_after => INTERVAL '7 days');
