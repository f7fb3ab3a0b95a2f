-- Alerts (both storage modes). One `alert` row per episode of a condition:
-- pending → firing → resolved. At most one unresolved episode per
-- fingerprint (monitor + kind + series labels), so re-raising the same
-- condition de-duplicates onto it. Every state change and acknowledgement is
-- appended to `alert_event` (the history).
CREATE TABLE alert (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint text NOT NULL,
  kind text NOT NULL,
  monitor text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  state text NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
  -- identifying labels: the series labels plus __name__ (metric), monitor, kind
  labels jsonb NOT NULL,
  series_id bigint,
  summary text NOT NULL,
  -- metric, labels, observed vs expected and band, score, detector, start time
  explanation jsonb NOT NULL,
  -- when the condition was first seen (the episode's start)
  started_at timestamptz NOT NULL,
  fired_at timestamptz,
  resolved_at timestamptz,
  last_evaluated_at timestamptz NOT NULL,
  -- consecutive evaluations below the resolve threshold (hysteresis)
  clear_count integer NOT NULL DEFAULT 0,
  acknowledged_at timestamptz,
  acknowledged_by text,
  ack_comment text,
  silenced_by bigint,
  -- last time the firing alert was (re)queued for Alertmanager
  notified_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX alert_one_open_per_fingerprint ON alert (fingerprint) WHERE state <> 'resolved';
CREATE INDEX alert_open_monitor ON alert (monitor, state) WHERE state <> 'resolved';
CREATE INDEX alert_started ON alert (started_at DESC);

CREATE TABLE alert_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
  time timestamptz NOT NULL,
  -- pending | firing | resolved | acknowledged | silenced | updated
  event text NOT NULL,
  message text NOT NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX alert_event_alert ON alert_event (alert_id, id);

-- Silences: alerts whose labels match every matcher while now is in
-- [starts_at, ends_at) are not notified. Expiring a silence sets ends_at.
CREATE TABLE silence (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  matchers jsonb NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  created_by text NOT NULL,
  comment text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expired_at timestamptz,
  CHECK (ends_at > starts_at)
);
CREATE INDEX silence_active ON silence (ends_at);

-- Durable outbox: a notification is written in the same transaction as the
-- state change that causes it, then delivered by the dispatcher with retries;
-- after the last attempt the row stays as a dead-letter record (state 'dead').
CREATE TABLE notification_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id bigint NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
  notifier text NOT NULL CHECK (notifier IN ('alertmanager', 'webhook')),
  target text NOT NULL,
  -- name of the secret that signs webhook bodies (resolved by the dispatcher), never the secret itself
  secret_ref text,
  -- the alert as it was when the notification was queued
  payload jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'delivered', 'dead', 'suppressed')) DEFAULT 'pending',
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  delivered_at timestamptz
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_outbox_alert ON notification_outbox (alert_id);

-- Per (monitor, series): every point at or before last_time has its score committed.
CREATE TABLE anomaly_checkpoint (
  monitor text NOT NULL,
  series_id bigint NOT NULL,
  last_time timestamptz NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (monitor, series_id)
);
