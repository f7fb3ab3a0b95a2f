import { autocorrelation } from '../stats/autocorrelation.ts';

/** At most this many points enter the autocorrelation; longer histories are averaged into buckets. */
export const PERIOD_SEARCH_MAX_POINTS = 1024;
/** Fewer (bucketed) points than this: no period is searched. */
export const PERIOD_SEARCH_MIN_POINTS = 64;
/** A period must repeat at least this many times in the history searched. */
export const PERIOD_MIN_CYCLES = 2.5;
/** Shortest period, in bucketed points. */
export const PERIOD_MIN_LAG = 3;
/** An autocorrelation peak must reach this value ... */
export const PERIOD_MIN_PEAK = 0.3;
/** ... and rise this much above the lowest autocorrelation at a shorter lag. */
export const PERIOD_MIN_PROMINENCE = 0.3;
/** A period within this fraction of an hour, a day or a week is snapped to it. */
export const CALENDAR_SNAP_TOLERANCE = 0.1;
/** Calendar periods in milliseconds, tried for snapping. */
export const CALENDAR_PERIODS_MS = [3_600_000, 86_400_000, 7 * 86_400_000];

/**
 * The dominant period of `values` sampled every `intervalMs`, in
 * milliseconds, or 0 when there is none: the highest prominent peak of the
 * sample autocorrelation of the linearly detrended series (averaged into at
 * most {@link PERIOD_SEARCH_MAX_POINTS} buckets), snapped to an hour, a day
 * or a week when close. O(n + m²/2.5) for m bucketed points.
 * Reference: the ACF-peak method of Vlachos, Yu & Castelli, "On periodicity
 * detection and structural periodic similarity", SDM 2005 (without the
 * periodogram stage).
 */
export function dominantPeriodMs(values: ArrayLike<number>, intervalMs: number): number {
  if (!(intervalMs > 0)) return 0;
  const bucket = Math.max(1, Math.ceil(values.length / PERIOD_SEARCH_MAX_POINTS));
  const m = Math.floor(values.length / bucket);
  if (m < PERIOD_SEARCH_MIN_POINTS) return 0;
  const series = detrend(bucketMeans(values, bucket, m));
  const maxLag = Math.floor(m / PERIOD_MIN_CYCLES);
  const r = autocorrelation(series, maxLag);
  let bestLag = 0;
  let bestR = PERIOD_MIN_PEAK;
  let lowest = 1;
  for (let lag = 1; lag < maxLag; lag++) {
    const here = r[lag] as number;
    if (Number.isNaN(here)) return 0;
    lowest = Math.min(lowest, here);
    const isPeak = here > (r[lag - 1] as number) && here >= (r[lag + 1] as number);
    if (isPeak && lag >= PERIOD_MIN_LAG && here >= bestR && here - lowest >= PERIOD_MIN_PROMINENCE) {
      bestLag = lag;
      bestR = here;
    }
  }
  if (bestLag === 0) return 0;
  return snapToCalendar(bestLag * bucket * intervalMs);
}

function bucketMeans(values: ArrayLike<number>, bucket: number, m: number): Float64Array {
  const out = new Float64Array(m);
  const offset = values.length - m * bucket; // keep the most recent points
  for (let b = 0; b < m; b++) {
    let s = 0;
    for (let j = 0; j < bucket; j++) s += values[offset + b * bucket + j] as number;
    out[b] = s / bucket;
  }
  return out;
}

function detrend(y: Float64Array): Float64Array {
  const n = y.length;
  const xMean = (n - 1) / 2;
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i] as number;
  yMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - xMean) * ((y[i] as number) - yMean);
    sxx += (i - xMean) ** 2;
  }
  const slope = sxy / sxx;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (y[i] as number) - yMean - slope * (i - xMean);
  return out;
}

function snapToCalendar(periodMs: number): number {
  for (const calendar of CALENDAR_PERIODS_MS) {
    if (Math.abs(periodMs - calendar) <= CALENDAR_SNAP_TOLERANCE * calendar) return calendar;
  }
  return periodMs;
}
