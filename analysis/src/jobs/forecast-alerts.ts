/**
 * What the forecast job does with one threshold of one series: raise a
 * `forecast_threshold` alert ("system.filesystem.utilization on web-4 reaches
 * 0.9 in 5h 20m"), resolve it, or leave it as it is. The identity is the one
 * docs/alerts.md prescribes (series labels + threshold + direction), so every
 * run evaluates the same alert.
 *
 * - raise: the crossing the severity acts on (mean for critical, the
 *   pessimistic band edge otherwise) is within the horizon;
 * - keep: the series is already past the threshold — the prediction came
 *   true; an open alert stays open until the series is back and no crossing is
 *   predicted, and none is opened (that is a plain threshold rule's job);
 * - resolve: anything else (no crossing within the horizon, or the estimate is
 *   suppressed because the fit is poor or the model fell back to the baseline).
 */
import { HOST_LABEL, type Severity } from '@hydra/schema';
import type { ForecastThreshold, SeriesInfo, StoredForecast } from '@hydra/storage';
import type { AlertIdentity, RaiseInput } from '../alerts/service.ts';
import { ALERT_EDGE_BY_SEVERITY, alertCrossing, crossingOf, formatDuration } from '../forecast/thresholds.ts';
import type { MonitorRef } from './monitor.ts';

export const FORECAST_ALERT_KIND = 'forecast_threshold';
/** Labels shown in a summary when the series has no host label. */
const SUMMARY_LABELS = 3;

export interface ThresholdConfig {
  value: number;
  direction: 'above' | 'below';
  severity: Severity;
}

export type ThresholdDecision =
  { action: 'raise'; input: RaiseInput } | { action: 'resolve'; identity: AlertIdentity } | { action: 'keep' };

/** The alert identity of (monitor, series, threshold). */
export function thresholdIdentity(monitor: MonitorRef, series: SeriesInfo, t: ThresholdConfig): AlertIdentity {
  return {
    kind: FORECAST_ALERT_KIND,
    monitor: monitor.key,
    metric: series.metric,
    labels: { ...series.labels, threshold: String(t.value), direction: t.direction },
    seriesId: series.id,
  };
}

/** Decides raise / resolve / keep for one threshold (see the module comment). */
export function thresholdAlert(input: {
  monitor: MonitorRef;
  series: SeriesInfo;
  forecast: StoredForecast;
  threshold: ThresholdConfig;
  now: number;
  horizonMs: number;
  maxMase: number;
}): ThresholdDecision {
  const { series, forecast: f, threshold: t, now } = input;
  const identity = thresholdIdentity(input.monitor, series, t);
  const crossing = crossingOf(f, t, input.maxMase);
  if (crossing.suppressed === 'already-crossed') return { action: 'keep' };
  const at = alertCrossing(crossing, t.severity);
  if (at === null || at > now + input.horizonMs) return { action: 'resolve', identity };
  const edge = ALERT_EDGE_BY_SEVERITY[t.severity];
  const estimate =
    edge === 'mean'
      ? 'mean forecast'
      : `${t.direction === 'above' ? 'upper' : 'lower'} edge of the ${Math.round(f.level * 100)}% band`;
  const fit = f.holdoutMase === null ? 'fit not measured' : `holdout MASE ${f.holdoutMase.toFixed(2)}`;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const summary =
    `${subject(series)} ${t.direction === 'above' ? 'reaches' : 'falls to'} ${t.value} in ` +
    `${formatDuration(at - now)} (at ${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC, ${estimate}); ` +
    `forecast by ${f.model}, ${fit}`;
  return {
    action: 'raise',
    input: {
      ...identity,
      time: now,
      severity: t.severity,
      summary,
      explanation: {
        metric: series.metric,
        unit: series.unit,
        labels: series.labels,
        threshold: t.value,
        direction: t.direction,
        crossingAt: iso(at),
        crossesInSeconds: Math.max(0, Math.round((at - now) / 1000)),
        estimate: edge,
        crossings: { mean: iso(crossing.mean), early: iso(crossing.early), late: iso(crossing.late) },
        level: f.level,
        lastValue: f.lastValue,
        lastObservedAt: iso(f.lastObservedTime),
        model: f.model,
        modelDescription: f.description,
        holdoutMase: f.holdoutMase,
        forecastCreatedAt: iso(f.createdAt),
        horizonEnd: iso(f.firstTime + (f.mean.length - 1) * f.stepMs),
      },
      // A prediction already looks hours ahead, and the job runs hourly: waiting `for` would delay it a run.
      forMs: 0,
    },
  };
}

/**
 * The thresholds as stored with the forecast (for hydra_forecast_time_to_threshold_seconds): when the mean
 * forecast crosses each, with the alerts' suppression (poor fit, fallback model: null); a series already past a
 * threshold crosses at its last observed time (0 s to go).
 */
export function thresholdsWithCrossings(
  forecast: StoredForecast,
  thresholds: readonly ThresholdConfig[],
  maxMase: number,
): ForecastThreshold[] {
  return thresholds.map((t) => {
    const crossing = crossingOf(forecast, t, maxMase);
    const crossesAt = crossing.suppressed === 'already-crossed' ? forecast.lastObservedTime : crossing.mean;
    return { value: t.value, direction: t.direction, severity: t.severity, crossesAt };
  });
}

/** `metric on host` or `metric{a="x", …}` for a summary line. */
function subject(series: SeriesInfo): string {
  const host = series.labels[HOST_LABEL];
  if (host !== undefined) return `${series.metric} on ${host}`;
  const shown = Object.entries(series.labels)
    .slice(0, SUMMARY_LABELS)
    .map(([k, v]) => `${k}="${v}"`);
  return shown.length === 0 ? series.metric : `${series.metric}{${shown.join(', ')}}`;
}
