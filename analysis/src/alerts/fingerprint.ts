/**
 * Alert identity. An alert's labels are the series labels plus `__name__`
 * (the metric, when there is one), `monitor` and `alertname` (from the kind);
 * the fingerprint is a hash of kind + monitor + those labels, so the same
 * condition on the same series always lands on the same alert.
 */
import { createHash } from 'node:crypto';

/** `alertname` label of each built-in alert kind; other kinds use the kind itself. */
export const ALERT_NAMES: Readonly<Record<string, string>> = {
  anomaly: 'HydraAnomaly',
  forecast_threshold: 'HydraForecastThreshold',
};
/** Hex characters of the fingerprint (64 bits, as Alertmanager's). */
export const FINGERPRINT_LENGTH = 16;

/** The identifying labels of an alert: series labels, then __name__, monitor, alertname (which win). */
export function alertLabels(input: {
  kind: string;
  monitor: string;
  metric?: string | undefined;
  labels: Readonly<Record<string, string>>;
}): Record<string, string> {
  const out: Record<string, string> = { ...input.labels };
  if (input.metric !== undefined) out.__name__ = input.metric;
  out.monitor = input.monitor;
  out.alertname = ALERT_NAMES[input.kind] ?? input.kind;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Stable hash of kind + monitor + labels (key order does not matter). */
export function fingerprint(kind: string, monitor: string, labels: Readonly<Record<string, string>>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([kind, monitor, sorted]))
    .digest('hex')
    .slice(0, FINGERPRINT_LENGTH);
}
