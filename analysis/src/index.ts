/**
 * @hydra/analysis: the anomaly and forecast passes, the in-process scheduler,
 * the AlertService with its dispatcher and notifiers, and the exporter of the
 * analysis results to Prometheus. The CLI's jobs and `hydra up` run them; the
 * API's alert, silence and prediction routes use them.
 */
export * from './alerts/index.ts';
export * from './jobs/index.ts';
export * from './exports/index.ts';
export { readHistories, type SeriesHistory } from './forecast/history.ts';
export { baselineMaseOf } from './forecast/runner.ts';
export { toStoredForecast } from './forecast/stored.ts';
export { alertCrossing, crossingOf, fitIsGood, formatDuration, type ThresholdSpec } from './forecast/thresholds.ts';
