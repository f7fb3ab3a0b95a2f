-- Plain PostgreSQL: nothing. The version exists for TimescaleDB mode, where it
-- sizes the 1-minute aggregate's chunks (0008_rollup_chunks.timescaledb.sql);
-- a version has a file in every mode, so that it means the same schema level.
SELECT 1;
