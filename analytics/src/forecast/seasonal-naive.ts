/**
 * Seasonal naive: every forecast repeats the value one season earlier,
 * `ŷ(T+h) = y(T + h − m(k+1))` with `k = ⌊(h−1)/m⌋`; with no season (m = 1) it is the naive forecast.
 * The baseline every other model must beat, and the fallback when one fails its guards.
 *
 * Intervals follow Hyndman & Athanasopoulos, *Forecasting: Principles and Practice* (3rd ed.) §5.5:
 * σ̂ is the RMS of the in-sample seasonal-naive residuals `y(t) − y(t−m)` and σ̂_h = σ̂·√(k+1).
 * Fit O(n), predict O(h). The season used is the longest detected period with at least two full cycles.
 */
import type { FittedModel, Forecaster, ForecastResult, ForecastInput } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';

const NAME = 'seasonal-naive';

/** Season length the baseline uses for these periods and this many points. */
export function baselinePeriod(periods: readonly number[], n: number): number {
  let m = 1;
  for (const p of periods) if (p > m && n >= 2 * p) m = p;
  return m;
}

/** Fits the seasonal naive model; throws `ForecastError` on an empty series. */
export function fitSeasonalNaive(values: readonly number[], period: number): FittedModel {
  const n = values.length;
  if (n === 0) throw new ForecastError(NAME, 'the series is empty');
  const m = n > period ? period : 1;
  let sumSq = 0;
  let count = 0;
  for (let t = m; t < n; t++) {
    const e = (values[t] as number) - (values[t - m] as number);
    sumSq += e * e;
    count++;
  }
  const sigma = count > 0 ? Math.sqrt(sumSq / count) : 0;
  const lastSeason = values.slice(n - m);
  return {
    model: NAME,
    description: `seasonal naive (m=${m}, sigma=${sigma.toPrecision(4)})`,
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      const mean: number[] = [];
      const sd: number[] = [];
      for (let i = 0; i < h; i++) {
        mean.push(lastSeason[i % m] as number);
        sd.push(sigma * Math.sqrt(Math.floor(i / m) + 1));
      }
      return gaussianIntervals(mean, sd, levels);
    },
  };
}

/** The seasonal naive forecaster (see the module comment). */
export const seasonalNaive: Forecaster = {
  name: NAME,
  minLength: () => 1,
  fit: (series: ForecastInput) => fitSeasonalNaive(series.values, baselinePeriod(series.periods, series.values.length)),
};
