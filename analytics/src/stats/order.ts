/**
 * Order statistics: median, quantiles and the median absolute deviation.
 * Each copies its input, sorts it (O(n log n)) and ignores nothing: NaN in
 * the input is a caller error and makes the result NaN.
 */

/**
 * Scale factor that makes the MAD a consistent estimator of the standard
 * deviation of a normal distribution: 1 / Φ⁻¹(3/4) ≈ 1.4826 (R's `mad`
 * default `constant = 1.4826`).
 */
export const MAD_NORMAL_SCALE = 1.4826;

/** Ascending copy of `values`. */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Quantile `p` in [0, 1] of an ascending array, by linear interpolation
 * between order statistics (Hyndman & Fan type 7, R's default). O(1).
 * Throws when `sorted` is empty or `p` is outside [0, 1].
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('quantileSorted: values must not be empty');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantileSorted: p must be in [0, 1], got ${p}`);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  if (lo + 1 >= sorted.length) return a;
  return a + (h - lo) * ((sorted[lo + 1] as number) - a);
}

/**
 * Quantile `p` of `values` (type 7, as R's `quantile`). O(n log n).
 * Example: `quantile([1, 2, 3, 4], 0.25)` is 1.75.
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) throw new RangeError('quantile: values must not be empty');
  return quantileSorted(sortedCopy(values), p);
}

/** Median of `values`. Throws when empty. Example: `median([3, 1, 2, 10])` is 2.5. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError('median: values must not be empty');
  return quantileSorted(sortedCopy(values), 0.5);
}

/**
 * Median absolute deviation from the median, multiplied by `scale`
 * (default {@link MAD_NORMAL_SCALE}, as R's `mad`; pass 1 for the raw MAD).
 * Throws when empty. Example: `mad([1, 1, 2, 2, 4, 6, 9])` is 1.4826.
 */
export function mad(values: ArrayLike<number>, scale = MAD_NORMAL_SCALE): number {
  if (values.length === 0) throw new RangeError('mad: values must not be empty');
  const m = median(values);
  const deviations = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) deviations[i] = Math.abs((values[i] as number) - m);
  return scale * median(deviations);
}
