/**
 * Forecast combination: the equal-weight average of several fitted models' forecasts. Averaging the
 * best two candidates is one of the most reliable gains in forecasting practice (Bates & Granger, 1969;
 * the M4 competition, Makridakis et al., 2020), because their errors are partly independent.
 * Interval bounds are averaged too — a common, slightly conservative approximation (the exact interval
 * of an average would need the models' error correlation, which is not known).
 */
import type { FittedModel, ForecastResult } from './types.ts';
import { ForecastError } from './types.ts';

/** The model name of a combination of `names`, in a canonical order, e.g. `combination(arima+mstl)`. */
export function combinationName(names: readonly string[]): string {
  return `combination(${[...names].sort().join('+')})`;
}

/** Averages the members' point forecasts and interval bounds. Throws when `members` is empty. */
export function combineModels(members: readonly FittedModel[]): FittedModel {
  if (members.length === 0) throw new ForecastError('combination', 'needs at least one member model');
  return {
    model: combinationName(members.map((m) => m.model)),
    description: `mean of ${members.map((m) => m.description).join(' and ')}`,
    predict(h: number, levels: readonly number[]): ForecastResult {
      return averageForecasts(members.map((m) => m.predict(h, levels)));
    },
  };
}

/** Element-wise mean of forecasts with the same horizon and levels. */
export function averageForecasts(forecasts: readonly ForecastResult[]): ForecastResult {
  const first = forecasts[0];
  if (!first) throw new ForecastError('combination', 'nothing to average');
  const k = forecasts.length;
  const avg = (pick: (f: ForecastResult) => number[] | undefined): number[] =>
    first.mean.map((_, i) => forecasts.reduce((sum, f) => sum + ((pick(f) ?? [])[i] ?? Number.NaN), 0) / k);
  return {
    mean: avg((f) => f.mean),
    levels: [...first.levels],
    lower: first.levels.map((_, j) => avg((f) => f.lower[j])),
    upper: first.levels.map((_, j) => avg((f) => f.upper[j])),
  };
}
