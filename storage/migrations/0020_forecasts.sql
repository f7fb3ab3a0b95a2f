-- Stored forecasts: the latest forecast of each series per monitor, written by
-- the forecast job (one row replaced on every run, so a rerun is idempotent)
-- and read by GET /predictions. The forecast is kept as arrays on a regular
-- grid: point k (0-based) is at first_time + k * step_ms. Rows of series the
-- job no longer forecasts are pruned once older than their horizon.
CREATE TABLE forecast (
  monitor text NOT NULL,
  series_id bigint NOT NULL,
  created_at timestamptz NOT NULL,
  model text NOT NULL,
  description text NOT NULL,
  -- holdout MASE of the model (fit quality); NULL when not measured
  holdout_mase double precision,
  fallback_from text,
  fallback_reason text,
  level double precision NOT NULL,
  step_ms bigint NOT NULL,
  first_time timestamptz NOT NULL,
  last_observed_time timestamptz NOT NULL,
  last_value double precision,
  history_points integer NOT NULL,
  periods integer[] NOT NULL,
  mean double precision[] NOT NULL,
  lower double precision[] NOT NULL,
  upper double precision[] NOT NULL,
  PRIMARY KEY (monitor, series_id),
  CHECK (cardinality(mean) = cardinality(lower) AND cardinality(mean) = cardinality(upper))
);
CREATE INDEX forecast_series ON forecast (series_id, created_at DESC);
CREATE INDEX forecast_created ON forecast (monitor, created_at);
