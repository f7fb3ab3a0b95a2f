-- The outcome of each monitor's analysis jobs (both storage modes), one row per (monitor, kind), upserted at the
-- end of every anomaly and forecast pass by the process that ran it (the in-process scheduler or a `hydra job`
-- CronJob pod) and exported by the API (hydra_analysis_last_success_timestamp_seconds,
-- hydra_analysis_consecutive_failures, hydra_analysis_last_duration_seconds), so job health is visible in
-- Prometheus in every mode. `monitor` is the monitor key (namespace/name), as in anomaly_checkpoint and forecast.
-- A pass aborted by shutdown is not recorded. Numbered 0012 though 0023 exists: migrate() applies every
-- version not yet applied, whatever its number, and /readyz reports it as pending until then.
CREATE TABLE analysis_job_status (
  monitor text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('anomaly', 'forecast')),
  last_success_at timestamptz,
  last_failure_at timestamptz,
  -- the last failure's message, cut to 1024 characters; kept after a success (last_failure_at says when)
  last_error text,
  -- failed passes since the last successful one (0 after a success)
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  -- wall-clock seconds of the last pass, success or failure
  last_duration_seconds double precision NOT NULL CHECK (last_duration_seconds >= 0),
  -- when the last pass ended
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (monitor, kind)
);
-- the export reads the rows updated within a day
CREATE INDEX analysis_job_status_updated_at ON analysis_job_status (updated_at);
