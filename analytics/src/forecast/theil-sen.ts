/**
 * Robust linear trend for monotonic resources (disk used, quota consumed): Theil–Sen regression,
 * slope = median of the pairwise slopes (yj − yi)/(j − i), intercept = median of y(t) − slope·t.
 * Breakdown point 29 %: level blips and outliers do not tilt the line the way least squares does.
 * Intervals treat the residuals as independent noise with a robust scale (1.4826·MAD) and add the
 * uncertainty of the line itself as for least squares: sd_h = σ·√(1 + 1/n + (x_h − x̄)²/Sxx).
 * O(P log P) with P pairs; above `MAX_PAIRS_POINTS` points the pairs are taken on an even stride.
 * References: H. Theil (1950); P. K. Sen, JASA 63 (1968); Datadog's `linear` forecast ("robust regression").
 */
import type { FittedModel, Forecaster, ForecastResult, ForecastInput } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';
import { MAD_NORMAL_SCALE, mad, median } from '../stats/order.ts';

const NAME = 'linear-trend';
const MIN_POINTS = 3;
/** Above this many points, slopes are computed on an evenly strided subset to bound the work at ~MAX²/2 pairs. */
const MAX_PAIRS_POINTS = 200;

/** Fits the Theil–Sen line through `values` against their step index. */
export function fitTheilSen(values: readonly number[]): FittedModel {
  const n = values.length;
  if (n < MIN_POINTS) throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${n}`);
  const stride = Math.max(1, Math.ceil(n / MAX_PAIRS_POINTS));
  const slopes: number[] = [];
  for (let i = 0; i < n; i += stride) {
    for (let j = i + stride; j < n; j += stride) slopes.push(((values[j] as number) - (values[i] as number)) / (j - i));
  }
  const slope = median(slopes);
  const intercept = median(values.map((v, t) => v - slope * t));
  const residuals = values.map((v, t) => v - (intercept + slope * t));
  const sigma = mad(residuals, MAD_NORMAL_SCALE);
  const xMean = (n - 1) / 2;
  const sxx = (n * (n * n - 1)) / 12;
  return {
    model: NAME,
    description: `Theil-Sen slope=${slope.toPrecision(4)}/step intercept=${intercept.toPrecision(4)} sigma=${sigma.toPrecision(4)}`,
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      const mean: number[] = [];
      const sd: number[] = [];
      for (let i = 1; i <= h; i++) {
        const x = n - 1 + i;
        mean.push(intercept + slope * x);
        sd.push(sigma * Math.sqrt(1 + 1 / n + ((x - xMean) * (x - xMean)) / sxx));
      }
      return gaussianIntervals(mean, sd, levels);
    },
  };
}

/** The robust linear trend forecaster (see the module comment). */
export const linearTrend: Forecaster = {
  name: NAME,
  minLength: () => MIN_POINTS,
  fit: (series: ForecastInput) => fitTheilSen(series.values),
};
