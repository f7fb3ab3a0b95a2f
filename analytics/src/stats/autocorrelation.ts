import { mean } from './summation.ts';

/**
 * Sample autocorrelation function r(0..maxLag), as R's `acf` (biased
 * estimator: every lag divided by the lag-0 sum). O(n · maxLag).
 * Throws when `values` has fewer than two values or `maxLag` is not a
 * non-negative integer below `values.length`. A constant series has
 * r(0) = 1 and NaN elsewhere.
 * Reference: Box & Jenkins, Time Series Analysis (1976), eq. 2.1.12.
 */
export function autocorrelation(values: ArrayLike<number>, maxLag: number): Float64Array {
  const n = values.length;
  if (n < 2) throw new RangeError(`autocorrelation: need at least 2 values, got ${n}`);
  if (!Number.isInteger(maxLag) || maxLag < 0 || maxLag >= n) {
    throw new RangeError(`autocorrelation: maxLag must be an integer in [0, ${n - 1}], got ${maxLag}`);
  }
  const m = mean(values);
  const centred = new Float64Array(n);
  for (let i = 0; i < n; i++) centred[i] = (values[i] as number) - m;
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (centred[i] as number) ** 2;
  const r = new Float64Array(maxLag + 1);
  r[0] = 1;
  for (let lag = 1; lag <= maxLag; lag++) {
    let c = 0;
    for (let i = lag; i < n; i++) c += (centred[i] as number) * (centred[i - lag] as number);
    r[lag] = c0 === 0 ? Number.NaN : c / c0;
  }
  return r;
}
