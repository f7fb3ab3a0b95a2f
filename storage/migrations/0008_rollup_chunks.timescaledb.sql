-- TimescaleDB: the 1-minute aggregate's materialisation in one-day chunks,
-- compressed three hours after their day ended (past its refresh policy's
-- two-hour reach).
--
-- A continuous aggregate's chunks default to ten times its source's interval:
-- ten days here. The newest chunk is never compressed while it is written to,
-- so up to ten days of 1-minute rows of every series stayed uncompressed and
-- interleaved (the refresh writes bucket after bucket for all series): one
-- series over 7 days read ~6,000 rows from over a thousand heap pages, 4-5x
-- slower than plain mode's rollup table on the same engine. In one-day chunks
-- compressed by series (0007), every whole day is one segment per series.
-- Existing chunks keep their interval; new ones get the day.
SELECT set_chunk_time_interval('samples_1m', INTERVAL '1 day');
SELECT remove_compression_policy('samples_1m', if_exists => true);
SELECT add_compression_policy('samples_1m', compress_after => INTERVAL '3 hours');
