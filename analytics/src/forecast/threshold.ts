/**
 * Time to threshold: when a forecast's mean and its band edges first reach a threshold such as 90 % disk
 * or a quota — the question behind node-exporter's `NodeFilesystemSpaceFillingUp` and Datadog's forecast
 * monitors. For a rising metric (`direction: 'above'`) the upper edge crosses first (the pessimistic
 * estimate), then the mean, then the lower edge; `'below'` mirrors this (the lower edge crosses first).
 *
 * A crossing is the first step whose value reaches the threshold, refined by linear interpolation from the
 * previous step (from `lastObserved` for step 1 when given), so `step` is fractional. `null` means "not
 * within the horizon". The answer is suppressed (all crossings null, `suppressed` set) when the fit is
 * poor — holdout MASE above `maxMase`, or the forecast is a fallback — or when the last observation is
 * already past the threshold. O(h).
 */
import type { ForecastResult } from './types.ts';

/** Holdout MASE above which a crossing estimate is not reported (worse than the seasonal-naive baseline). */
export const DEFAULT_MAX_MASE = 1;
/** Relative margin by which a fit's holdout MASE may exceed the seasonal-naive baseline's and still count as good. */
export const DEFAULT_PREFERENCE_MARGIN = 0.1;

export interface ThresholdOptions {
  direction: 'above' | 'below';
  /** Which interval level's edges to use; the widest is used when omitted. */
  level?: number;
  /** Last observed value, to interpolate the first step and to detect "already crossed". */
  lastObserved?: number;
  /** Time of forecast step 1 and the step length (same unit, e.g. epoch ms), to turn steps into times. */
  time?: { first: number; step: number };
  /** Holdout MASE of the model that produced the forecast. */
  holdoutMase?: number | null;
  maxMase?: number;
  /** True when the forecast came from the fallback baseline after the chosen model failed. */
  fallback?: boolean;
}

export interface Crossing {
  /** Fractional forecast step (1 = the first forecast step) at which the threshold is reached. */
  step: number;
  /** The same moment as a time, when `options.time` was given. */
  time?: number;
}

export interface ThresholdResult {
  threshold: number;
  direction: 'above' | 'below';
  level: number | null;
  mean: Crossing | null;
  lower: Crossing | null;
  upper: Crossing | null;
  suppressed?: 'poor-fit' | 'fallback-model' | 'already-crossed';
}

/** When the forecast reaches `threshold` (see the module comment). Throws on a non-finite threshold. */
export function timeToThreshold(
  forecast: ForecastResult,
  threshold: number,
  options: ThresholdOptions,
): ThresholdResult {
  if (!Number.isFinite(threshold))
    throw new RangeError(`timeToThreshold: threshold must be a finite number, got ${threshold}`);
  const levelIndex = pickLevel(forecast, options.level);
  const base: ThresholdResult = {
    threshold,
    direction: options.direction,
    level: levelIndex === null ? null : (forecast.levels[levelIndex] as number),
    mean: null,
    lower: null,
    upper: null,
  };
  const reached = (v: number): boolean => (options.direction === 'above' ? v >= threshold : v <= threshold);
  if (options.lastObserved !== undefined && reached(options.lastObserved))
    return { ...base, suppressed: 'already-crossed' };
  if (options.fallback) return { ...base, suppressed: 'fallback-model' };
  const maxMase = options.maxMase ?? DEFAULT_MAX_MASE;
  if (options.holdoutMase !== undefined && options.holdoutMase !== null && !(options.holdoutMase <= maxMase)) {
    return { ...base, suppressed: 'poor-fit' };
  }
  const cross = (path: readonly number[] | undefined): Crossing | null => {
    if (!path) return null;
    for (let i = 0; i < path.length; i++) {
      const v = path[i] as number;
      if (!reached(v)) continue;
      const prev = i === 0 ? options.lastObserved : path[i - 1];
      let step = i + 1;
      if (prev !== undefined && prev !== v) step = i + Math.min(1, Math.max(0, (threshold - prev) / (v - prev)));
      return options.time ? { step, time: options.time.first + (step - 1) * options.time.step } : { step };
    }
    return null;
  };
  return {
    ...base,
    mean: cross(forecast.mean),
    lower: levelIndex === null ? null : cross(forecast.lower[levelIndex]),
    upper: levelIndex === null ? null : cross(forecast.upper[levelIndex]),
  };
}

function pickLevel(forecast: ForecastResult, level: number | undefined): number | null {
  if (forecast.levels.length === 0) return null;
  if (level !== undefined) {
    const i = forecast.levels.findIndex((l) => Math.abs(l - level) < 1e-9);
    if (i < 0)
      throw new RangeError(
        `timeToThreshold: level ${level} is not among the forecast's levels [${forecast.levels.join(', ')}]`,
      );
    return i;
  }
  let widest = 0;
  forecast.levels.forEach((l, i) => {
    if (l > (forecast.levels[widest] as number)) widest = i;
  });
  return widest;
}
