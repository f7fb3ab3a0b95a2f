-- Per (monitor, series): the anomaly job's online detector as it was after learning every point up to last_time
-- (both storage modes). Written in the same transaction as the series' anomaly_checkpoint, so the two always
-- agree; a pass restores the detector and feeds it only the new points instead of replaying history. `version` is
-- the analytics' DETECTOR_STATE_VERSION of the bytes and `config` a fingerprint of what the detector was built
-- with (detector, options, step): a state of another version or config is not used (the job replays history and
-- overwrites it). `state` is compact binary (float64 windows, regular timestamps as runs), ~25 kB for a day of
-- one-minute points with the ensemble detector; stored uncompressed (STORAGE EXTERNAL): pglz would cost CPU on
-- every pass for little gain on float64 data. Numbered 0030 to stay clear of other migrations in flight; migrate()
-- applies every version not yet applied, whatever its number.
CREATE TABLE anomaly_detector_state (
  monitor text NOT NULL,
  series_id bigint NOT NULL,
  version integer NOT NULL,
  config text NOT NULL,
  last_time timestamptz NOT NULL,
  state bytea NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (monitor, series_id)
);
ALTER TABLE anomaly_detector_state ALTER COLUMN state SET STORAGE EXTERNAL;
