-- Indexes for the filters of the analysis export's reads (storage/src/exports), which run every
-- HYDRA_EXPORT_INTERVAL on the lease holder: the fresh checkpoints (last_time within the max age), the
-- jobs' last runs within a day (updated_at, created_at) and the fresh forecasts (created_at). Without them
-- each read scans every checkpoint and forecast ever written, including those of deleted monitors.
-- Plain CREATE INDEX (migrations run in a transaction): it blocks writes to these small per-(monitor, series)
-- tables for the time of the build.
CREATE INDEX anomaly_checkpoint_last_time ON anomaly_checkpoint (last_time);
CREATE INDEX anomaly_checkpoint_updated_at ON anomaly_checkpoint (updated_at);
CREATE INDEX forecast_created_at ON forecast (created_at);
