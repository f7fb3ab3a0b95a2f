/**
 * How the anomaly job reads a histogram series: one value per step, the quantile (the monitor's
 * `anomaly.quantile`, p95 by default) of the
 * observations made during that step, as Prometheus' `histogram_quantile(q, rate(x_bucket[step]))` reads it —
 * the bucket counts' increase over the step (cumulative temporality: last point of the step less last point
 * of the step before; a drop or changed bounds is a reset, the counts start again from 0; delta temporality:
 * the step's points added up), then linear interpolation inside the bucket that holds the rank. A step without
 * observations has no value. Pure functions.
 */
import type { HistogramValue } from '@hydra/storage';

/**
 * The q-quantile of bucket counts (per bucket, not cumulative; `counts.length === bounds.length + 1`, the last
 * bucket above the last bound), as Prometheus' histogram_quantile: the first bucket starts at 0 when its bound
 * is positive, a rank in the overflow bucket is the last finite bound. null without observations.
 */
export function bucketQuantile(q: number, bounds: readonly number[], counts: readonly number[]): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!(total > 0) || bounds.length === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i]!;
    if (below + inBucket >= rank && inBucket > 0) {
      if (i === bounds.length) return bounds[bounds.length - 1]!;
      const upper = bounds[i]!;
      const lower = i === 0 ? (upper > 0 ? 0 : upper) : bounds[i - 1]!;
      return lower + (upper - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return bounds[bounds.length - 1]!;
}

const sameBounds = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * One [step start (epoch ms), quantile] per step of `stepMs` with observations, for steps starting in
 * [fromMs, toMs]; `points` ascending by time (those before `fromMs` only seed the first step's increase).
 */
export function histogramQuantileSteps(
  points: readonly HistogramValue[],
  options: { q: number; stepMs: number; fromMs: number; toMs: number; temporality: string },
): Array<[number, number]> {
  const { q, stepMs, fromMs, toMs } = options;
  const out: Array<[number, number]> = [];
  const stepOf = (t: number) => Math.floor(t / stepMs) * stepMs;
  let i = 0;
  let previous: HistogramValue | null = null;
  while (i < points.length) {
    const step = stepOf(points[i]!.t);
    let j = i;
    while (j < points.length && stepOf(points[j]!.t) === step) j++;
    const inStep = points.slice(i, j);
    const last = inStep.at(-1)!;
    let counts: number[] | null = null;
    if (options.temporality === 'delta') {
      counts = last.bucketCounts.map(() => 0);
      for (const p of inStep) {
        if (!sameBounds(p.bounds, last.bounds)) continue;
        p.bucketCounts.forEach((c, k) => (counts![k]! += c));
      }
    } else if (previous) {
      const base = previous;
      const reset =
        !sameBounds(base.bounds, last.bounds) ||
        (last.startT !== null && base.startT !== null && last.startT !== base.startT) ||
        last.bucketCounts.some((c, k) => c < (base.bucketCounts[k] ?? 0));
      counts = reset ? [...last.bucketCounts] : last.bucketCounts.map((c, k) => c - (base.bucketCounts[k] ?? 0));
    }
    if (counts && step >= fromMs && step <= toMs) {
      const value = bucketQuantile(q, last.bounds, counts);
      if (value !== null) out.push([step, value]);
    }
    previous = last;
    i = j;
  }
  return out;
}
