-- Time ranges written below the 1-minute rollup's reach (backfill: hydra import,
-- hydra seed after rollups exist, exporters more than the lookback late). The
-- writer inserts a row in the same transaction as the points; Maintenance
-- recomputes the 1m and 1h buckets of each range and deletes the row in the
-- transaction that recomputed them. Used in plain PostgreSQL mode; TimescaleDB
-- tracks backfill in its own continuous-aggregate invalidation log.
CREATE TABLE rollup_dirty (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  from_time timestamptz NOT NULL,
  to_time timestamptz NOT NULL CHECK (to_time > from_time),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
