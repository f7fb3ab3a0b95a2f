/**
 * Ingest limits: what one request, one series and one point may carry. Every
 * limit has a named default (the `hydra` command reads their HYDRA_* variables,
 * cli/src/config.ts); `resolveLimits` validates a configuration once, at
 * start-up, and fails fast.
 */
import {
  DEFAULT_MAX_ATTRIBUTES,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_LABEL_LENGTH,
  DEFAULT_MAX_SERIES_PER_METRIC,
  DEFAULT_RETENTION_DAYS,
} from '@hydra/schema';

// The body, label and series defaults are @hydra/schema's (the HydraMonitor's collector.limits defaults):
// DEFAULT_MAX_BODY_BYTES, OTLP's recommended cap on a request body after decompression; DEFAULT_MAX_ATTRIBUTES,
// labels of one series after resource, scope and point attributes are merged; DEFAULT_MAX_LABEL_LENGTH, bytes (UTF-8)
// of one label name or value, and of a metric name; DEFAULT_MAX_SERIES_PER_METRIC, distinct series one metric may
// create (enforced by the SeriesRegistry).

/** Points older than this are refused: the default retention. */
export const DEFAULT_MAX_POINT_AGE_SECONDS = DEFAULT_RETENTION_DAYS * 86_400;
/** Points further than this in the future are refused (clock skew allowance). */
export const DEFAULT_MAX_FUTURE_SECONDS = 10 * 60;
/** Rejection messages kept per request; the rest are only counted. */
export const DEFAULT_MAX_ERROR_MESSAGES = 5;

export interface IngestLimits {
  maxBodyBytes: number;
  maxAttributes: number;
  maxLabelLength: number;
  maxSeriesPerMetric: number;
  maxPointAgeSeconds: number;
  maxFutureSeconds: number;
  maxErrorMessages: number;
}

export const DEFAULT_LIMITS: Readonly<IngestLimits> = Object.freeze({
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  maxAttributes: DEFAULT_MAX_ATTRIBUTES,
  maxLabelLength: DEFAULT_MAX_LABEL_LENGTH,
  maxSeriesPerMetric: DEFAULT_MAX_SERIES_PER_METRIC,
  maxPointAgeSeconds: DEFAULT_MAX_POINT_AGE_SECONDS,
  maxFutureSeconds: DEFAULT_MAX_FUTURE_SECONDS,
  maxErrorMessages: DEFAULT_MAX_ERROR_MESSAGES,
});

/** Defaults overlaid with `overrides`, validated: throws an Error naming the field and the reason. */
export function resolveLimits(overrides: Partial<IngestLimits> = {}): IngestLimits {
  const limits: IngestLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(overrides) as Array<[keyof IngestLimits, unknown]>) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_LIMITS)) throw new Error(`ingest limits: unknown field '${key}'`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new Error(`ingest limits: ${key} must be a positive integer, got ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}
