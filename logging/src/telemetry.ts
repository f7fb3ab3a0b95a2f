/**
 * Conventions of hydra's own metrics (the histograms every process serves on HYDRA_METRICS_PORT), next to
 * the log conventions because both are what an operator's tooling reads. A histogram's name ends with its
 * unit as Prometheus wants it (`…_seconds`; the Prometheus exporter adds no unit suffix, so the instrument
 * name carries it: `hydra.api.request.duration.seconds`), and its buckets are in that unit.
 */

/**
 * Buckets of a request- or batch-scale duration, in seconds: 5 ms … 10 s (the OpenTelemetry HTTP semantic
 * conventions' advice). Without them the SDK's defaults (0, 5, 10 … 10000) are milliseconds-scale and put
 * every request below 5 "seconds" in the first buckets.
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
