/**
 * Time to threshold on a stored forecast, for the forecast job's alerts and
 * GET /predictions: `timeToThreshold` (analytics) on the forecast's mean and
 * band, with the fit-quality and fallback suppression, turned into times and
 * into the one crossing an alert of a given severity acts on.
 */
import {
  timeToThreshold,
  DEFAULT_MAX_MASE,
  DEFAULT_PREFERENCE_MARGIN,
  type Crossing,
  type ForecastResult,
} from '@hydra/analytics';
import type { Severity } from '@hydra/schema';
import type { StoredForecast } from '@hydra/storage';

export type Direction = 'above' | 'below';
/** Which estimate of the crossing time an alert acts on. */
export type CrossingEdge = 'mean' | 'band';

/**
 * The estimate each severity alerts on: a critical alert (a page) waits until the mean forecast crosses, so
 * it fires only when crossing is the central expectation; warnings and info use the pessimistic band edge
 * (the upper edge for `above`), so they come early — Datadog's and Grafana's forecast alerts offer the same
 * choice between the forecast and its bounds.
 */
export const ALERT_EDGE_BY_SEVERITY: Readonly<Record<Severity, CrossingEdge>> = Object.freeze({
  info: 'band',
  warning: 'band',
  critical: 'mean',
});

export interface ThresholdSpec {
  value: number;
  direction: Direction;
}

/** Crossing of one threshold by a stored forecast; times are epoch ms, null = not within the horizon. */
export interface ThresholdCrossing {
  threshold: number;
  direction: Direction;
  level: number;
  /** the mean forecast crosses */
  mean: number | null;
  /** the pessimistic band edge crosses (upper for `above`, lower for `below`): the earliest estimate */
  early: number | null;
  /** the optimistic band edge crosses: the latest estimate */
  late: number | null;
  /** why no crossing is reported */
  suppressed: 'poor-fit' | 'fallback-model' | 'already-crossed' | null;
}

/** The forecast as analytics' `ForecastResult` (stored nulls become NaN, which never crosses). */
export function asForecastResult(f: StoredForecast): ForecastResult {
  const nums = (xs: ReadonlyArray<number | null>) => xs.map((x) => x ?? Number.NaN);
  return { mean: nums(f.mean), levels: [f.level], lower: [nums(f.lower)], upper: [nums(f.upper)] };
}

/**
 * Whether the model's fit is good enough to report crossings: its holdout MASE is at most `maxMase` (it beat
 * the in-sample seasonal-naive scale), or it is within `margin` of the seasonal-naive baseline's holdout MASE on
 * the same windows. The second test matters on nearly periodic series (a disk that fills and is cleaned up
 * daily): there the in-sample scale is tiny and every model, the baseline included, scores far above 1 although
 * its forecast is good. An unmeasured fit (a model named explicitly) is not judged.
 */
export function fitIsGood(f: StoredForecast, maxMase = DEFAULT_MAX_MASE, margin = DEFAULT_PREFERENCE_MARGIN): boolean {
  if (f.holdoutMase === null || f.holdoutMase <= maxMase) return true;
  return f.baselineMase !== null && f.holdoutMase <= f.baselineMase * (1 + margin);
}

/** When `f` crosses `t` (see the module comment); `maxMase` is the fit quality above which nothing is reported. */
export function crossingOf(f: StoredForecast, t: ThresholdSpec, maxMase = DEFAULT_MAX_MASE): ThresholdCrossing {
  const r = timeToThreshold(asForecastResult(f), t.value, {
    direction: t.direction,
    level: f.level,
    ...(f.lastValue === null ? {} : { lastObserved: f.lastValue }),
    time: { first: f.firstTime, step: f.stepMs },
    // timeToThreshold suppresses a poor fit by holdout MASE alone; fitIsGood also accepts one close to the baseline.
    holdoutMase: fitIsGood(f, maxMase) ? null : f.holdoutMase,
    maxMase,
    fallback: f.fallback !== null,
  });
  const at = (c: Crossing | null): number | null => (c?.time === undefined ? null : Math.round(c.time));
  const [early, late] = t.direction === 'above' ? [r.upper, r.lower] : [r.lower, r.upper];
  return {
    threshold: t.value,
    direction: t.direction,
    level: f.level,
    mean: at(r.mean),
    early: at(early),
    late: at(late),
    suppressed: r.suppressed ?? null,
  };
}

/** The crossing time an alert of `severity` acts on, or null. */
export function alertCrossing(c: ThresholdCrossing, severity: Severity): number | null {
  return ALERT_EDGE_BY_SEVERITY[severity] === 'mean' ? c.mean : c.early;
}

/** `ms` as people read a countdown: `45m`, `5h 20m`, `2d 3h`; under a minute is `<1m`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return '<1m';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return mins > 0 ? `${hours}h ${mins}m` : `${hours}h`;
  return `${mins}m`;
}
