-- Plain PostgreSQL: nothing. The version exists for TimescaleDB mode, where it
-- compresses the continuous aggregates (0007_rollup_compression.timescaledb.sql);
-- a version has a file in every mode, so that it means the same schema level.
SELECT 1;
