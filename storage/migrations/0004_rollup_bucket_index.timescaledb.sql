-- Continuous aggregates are hypertables partitioned on bucket: TimescaleDB
-- already indexes them by bucket. Rollup retention is a policy on each.
SELECT add_retention_policy('samples_1m', drop_after => INTERVAL '30 days');
SELECT add_retention_policy('samples_1h', drop_after => INTERVAL '365 days');
