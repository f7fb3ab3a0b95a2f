-- The forecast's time to each of its monitor's thresholds, computed by the
-- forecast job when it writes the row, so a process without the monitor's
-- spec (the API exporting hydra_forecast_time_to_threshold_seconds in
-- Kubernetes) can read it: [{"value": 0.9, "direction": "above",
-- "severity": "warning", "crossesAt": <epoch ms of the mean's crossing> | null}].
ALTER TABLE forecast ADD COLUMN thresholds jsonb NOT NULL DEFAULT '[]';
