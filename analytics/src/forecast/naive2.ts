/**
 * Naive2, the M4 competition's reference for OWA: the naive forecast of the seasonally adjusted series.
 * The season is the shortest period (the competition's frequency: 24 for hourly data); it is removed by
 * classical multiplicative decomposition when the series is seasonal by the 90 % autocorrelation test
 * (`seasonalityTest`), and the last adjusted value, times the seasonal index, is the forecast
 * (Makridakis, Spiliotis & Assimakopoulos, "The M4 Competition", IJF 36, 2020; the competition's R code).
 * Series with zeros or negative values, which the competition did not have, get additive decomposition.
 * Intervals: the naive model's σ̂·√h on the adjusted series (fpp3 §5.5), seasonal index applied.
 * Fit O(n), predict O(h). Throws `ForecastError` on an empty series.
 */
import type { FittedModel, Forecaster, ForecastInput, ForecastResult } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';
import { classicalSeasonalIndices, seasonalityTest } from '../seasonality/classical.ts';

const NAME = 'naive2';

/** Fits Naive2 with season `period` (see the module comment). */
export function fitNaive2(values: readonly number[], period: number): FittedModel {
  const n = values.length;
  if (n === 0) throw new ForecastError(NAME, 'the series is empty');
  const seasonal = period > 1 && seasonalityTest(values, period);
  const multiplicative = values.every((v) => v > 0);
  const kind = multiplicative ? 'multiplicative' : 'additive';
  const indices = seasonal ? classicalSeasonalIndices(values, period, kind) : [multiplicative ? 1 : 0];
  const m = indices.length;
  const apply = (v: number, t: number, inverse: boolean): number => {
    const s = indices[t % m] as number;
    if (multiplicative) return inverse ? v / s : v * s;
    return inverse ? v - s : v + s;
  };
  const adjusted = values.map((v, t) => apply(v, t, true));
  let sumSq = 0;
  for (let t = 1; t < n; t++) sumSq += ((adjusted[t] as number) - (adjusted[t - 1] as number)) ** 2;
  const sigma = n > 1 ? Math.sqrt(sumSq / (n - 1)) : 0;
  const last = adjusted[n - 1] as number;
  return {
    model: NAME,
    description: seasonal ? `naive on ${kind}ly adjusted data (m=${period})` : 'naive (no season by the 90 % test)',
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      const flat = gaussianIntervals(
        new Array<number>(h).fill(last),
        Array.from({ length: h }, (_, i) => sigma * Math.sqrt(i + 1)),
        levels,
      );
      const back = (xs: number[]): number[] => xs.map((v, i) => apply(v, n + i, false));
      return {
        mean: back(flat.mean),
        levels: [...levels],
        lower: flat.lower.map(back),
        upper: flat.upper.map(back),
      };
    },
  };
}

/** Naive2 on the shortest period (see the module comment); a benchmark, not an automatic candidate. */
export const naive2: Forecaster = {
  name: NAME,
  minLength: () => 1,
  autoEligible: () => false,
  fit: (series: ForecastInput) => fitNaive2(series.values, series.periods[0] ?? 1),
};
