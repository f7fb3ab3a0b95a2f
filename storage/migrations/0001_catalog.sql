-- Catalog shared by both storage modes: metrics (OTLP's identifying stream
-- properties) and series (a metric plus a canonical label set).
CREATE TABLE metric (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('gauge', 'sum', 'histogram', 'exponential_histogram', 'summary')),
  unit text NOT NULL DEFAULT '',
  temporality text NOT NULL CHECK (temporality IN ('unspecified', 'delta', 'cumulative')),
  monotonic boolean NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT metric_identity UNIQUE (name, kind, unit, temporality, monotonic)
);

CREATE TABLE series (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  metric_id integer NOT NULL REFERENCES metric (id),
  -- resource + scope + point attributes, keys sorted, values strings
  labels jsonb NOT NULL,
  -- sha256 of the canonical (key-sorted) JSON of labels
  labels_hash bytea NOT NULL,
  first_seen timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT series_identity UNIQUE (metric_id, labels_hash)
);

-- Answers `labels @> '{"k":"v"}'` (the = matcher) without scanning every series.
CREATE INDEX series_labels_gin ON series USING gin (labels jsonb_path_ops);
