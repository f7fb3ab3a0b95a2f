import type { Detector, DetectionResult, DetectorOptions, SeriesInput } from './types.ts';

/**
 * Scores a whole series with `detector` (backtesting): one online detector
 * fed every point in order, so the result is exactly what a live system
 * would have produced point by point. Timestamps must be ascending (ties
 * allowed); NaN values get a NaN score. Throws a RangeError when the arrays
 * differ in length or a timestamp decreases (naming the index). O(n · cost
 * per point of the detector).
 */
export function detect(detector: Detector, series: SeriesInput, options?: DetectorOptions): DetectionResult {
  const { timestamps, values } = series;
  const n = values.length;
  if (timestamps.length !== n) {
    throw new RangeError(`detect: timestamps (${timestamps.length}) and values (${n}) differ in length`);
  }
  const online = detector.create(options);
  const result: DetectionResult = {
    score: new Float64Array(n),
    expected: new Float64Array(n),
    lower: new Float64Array(n),
    upper: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    let point;
    try {
      point = online.push(timestamps[i] as number, values[i] as number);
    } catch (err) {
      throw new RangeError(`detect: point ${i}: ${(err as Error).message}`, { cause: err });
    }
    result.score[i] = point.score;
    result.expected[i] = point.expected;
    result.lower[i] = point.lower;
    result.upper[i] = point.upper;
  }
  return result;
}
