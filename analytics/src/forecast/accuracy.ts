/**
 * Forecast accuracy measures used by model selection and the benchmark (Hyndman & Koehler,
 * "Another look at measures of forecast accuracy", IJF 22, 2006; the M4 competition's definitions).
 */

/** Symmetric MAPE in percent, 200·mean(|a − f| / (|a| + |f|)); a 0/0 term counts as 0. Throws on length mismatch. */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  checkLengths('smape', actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const f = forecast[i] as number;
    const denom = Math.abs(a) + Math.abs(f);
    sum += denom === 0 ? 0 : (200 * Math.abs(a - f)) / denom;
  }
  return sum / actual.length;
}

/**
 * Mean absolute scaled error: the forecast's MAE divided by the in-sample MAE of the seasonal naive
 * forecast on `training` with season `m` (m = 1 when the training data has no full season).
 * A constant training series has scale 0; the scale is then floored at `1e-9·max(1, |last value|)`.
 */
export function mase(
  actual: readonly number[],
  forecast: readonly number[],
  training: readonly number[],
  m: number,
): number {
  checkLengths('mase', actual, forecast);
  let mae = 0;
  for (let i = 0; i < actual.length; i++) mae += Math.abs((actual[i] as number) - (forecast[i] as number));
  mae /= actual.length;
  return mae / naiveScale(training, m);
}

/** In-sample MAE of the seasonal naive forecast (the MASE denominator). */
export function naiveScale(training: readonly number[], m: number): number {
  const lag = training.length > m ? m : 1;
  let sum = 0;
  let count = 0;
  for (let t = lag; t < training.length; t++) {
    sum += Math.abs((training[t] as number) - (training[t - lag] as number));
    count++;
  }
  const floor = 1e-9 * Math.max(1, Math.abs(training[training.length - 1] ?? 0));
  return Math.max(count > 0 ? sum / count : 0, floor);
}

/**
 * Mean scaled interval score of a central interval at `level` (the M4 competition's MSIS, Gneiting &
 * Raftery 2007): mean over steps of (U − L) + (2/a)(L − y)·[y < L] + (2/a)(y − U)·[y > U], a = 1 − level,
 * divided by the same in-sample seasonal-naive scale as MASE. Lower is better; it rewards narrow
 * intervals and penalises misses in proportion to how far they miss.
 */
export function msis(
  actual: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
  training: readonly number[],
  m: number,
  level = 0.95,
): number {
  checkLengths('msis', actual, lower);
  checkLengths('msis', actual, upper);
  const a = 1 - level;
  let total = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] as number;
    const lo = lower[i] as number;
    const hi = upper[i] as number;
    total += hi - lo + (y < lo ? (2 / a) * (lo - y) : 0) + (y > hi ? (2 / a) * (y - hi) : 0);
  }
  return total / actual.length / naiveScale(training, m);
}

function checkLengths(name: string, actual: readonly number[], forecast: readonly number[]): void {
  if (actual.length === 0) throw new RangeError(`${name}: actual is empty`);
  if (actual.length !== forecast.length)
    throw new RangeError(`${name}: ${actual.length} actual values but ${forecast.length} forecasts`);
}
