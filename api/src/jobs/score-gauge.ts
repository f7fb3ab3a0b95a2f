/**
 * `hydra.anomaly.score` (Prometheus: `hydra_anomaly_score`): the latest score
 * of every series a job scored in this process, labelled with the monitor,
 * the metric and the series' host and service, on the global meter (exported
 * on :9464 by the `hydra` commands). Bounded: past MAX_SCORED_SERIES the
 * least recently updated series is dropped from the export.
 */
import { metrics } from '@opentelemetry/api';

/** Series exported at once. */
export const MAX_SCORED_SERIES = 10_000;
/** Series labels copied onto the gauge (the rest would multiply cardinality for little use). */
export const EXPORTED_LABELS = ['host.name', 'service.name'] as const;

interface Entry {
  score: number;
  attributes: Record<string, string>;
}

const latest = new Map<string, Entry>();
let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  metrics
    .getMeter('hydra')
    .createObservableGauge('hydra.anomaly.score', {
      description: 'Latest anomaly score (0..1, above 0.5 is anomalous) of each scored series',
    })
    .addCallback((result) => {
      for (const { score, attributes } of latest.values()) result.observe(score, attributes);
    });
}

/** Records the latest score of a series (NaN scores are not exported). */
export function recordScore(
  monitor: string,
  series: { id: number; metric: string; labels: Readonly<Record<string, string>> },
  score: number,
): void {
  if (!Number.isFinite(score)) return;
  register();
  const key = `${monitor}\u0000${series.id}`;
  const attributes: Record<string, string> = { monitor, metric: series.metric, series_id: String(series.id) };
  for (const label of EXPORTED_LABELS) {
    const value = series.labels[label];
    if (value !== undefined) attributes[label] = value;
  }
  latest.delete(key);
  if (latest.size >= MAX_SCORED_SERIES) {
    const oldest = latest.keys().next();
    if (!oldest.done) latest.delete(oldest.value);
  }
  latest.set(key, { score, attributes });
}
