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
/**
 * A shorter period is kept unless a multiple of it leaves at most 1/this of
 * the shorter one's unexplained correlation (1 − r, unbiased ACF): a weekly
 * cycle with a weekend shape wins over the daily one, a stray three-day
 * bump does not.
 */
export const LONGER_PERIOD_MIN_GAIN = 2;
/** Floor of 1 − r in that comparison (the unbiased estimate can exceed 1). */
const UNEXPLAINED_FLOOR = 1e-3;
/** A period within this fraction of an hour, a day or a week is snapped to it. */
export const CALENDAR_SNAP_TOLERANCE = 0.1;
/** Calendar periods in milliseconds, tried for snapping. */
export const CALENDAR_PERIODS_MS = [3_600_000, 86_400_000, 7 * 86_400_000];

/**
 * The dominant period of `values` sampled every `intervalMs`, in
 * milliseconds, or 0 when there is none: the strongest prominent peak of the
 * (unbiased) sample autocorrelation of the linearly detrended series — of its ranks (Spearman's) when that of its
 * values (Pearson's) shows none, as when a few incidents outweigh the cycle — or the
 * shortest peak it is a multiple of when that is nearly as strong (averaged into at
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
  const means = bucketMeans(values, bucket, m);
  // Pearson's autocorrelation first; when a few outliers (incidents) hide the cycle from it, Spearman's.
  const lag = strongestPeriodLag(detrend(means), m) || strongestPeriodLag(detrend(ranks(means)), m);
  return lag === 0 ? 0 : snapToCalendar(lag * bucket * intervalMs);
}

/** The lag of the period in the detrended `series` of `m` points (see dominantPeriodMs), 0 when none. */
function strongestPeriodLag(series: Float64Array, m: number): number {
  const maxLag = Math.floor(m / PERIOD_MIN_CYCLES);
  const r = autocorrelation(series, maxLag);
  // Prominent peaks, compared by the unbiased estimate r·m/(m − lag): the usual (biased) one shrinks
  // long lags, which would make a daily peak beat the weekly one even when the week has a shape.
  const peaks: { lag: number; strength: number }[] = [];
  let lowest = 1;
  for (let lag = 1; lag < maxLag; lag++) {
    const here = r[lag] as number;
    if (Number.isNaN(here)) return 0;
    lowest = Math.min(lowest, here);
    const isPeak = here > (r[lag - 1] as number) && here >= (r[lag + 1] as number);
    if (isPeak && lag >= PERIOD_MIN_LAG && here >= PERIOD_MIN_PEAK && here - lowest >= PERIOD_MIN_PROMINENCE) {
      peaks.push({ lag, strength: (here * m) / (m - lag) });
    }
  }
  if (peaks.length === 0) return 0;
  const strongest = peaks.reduce((a, b) => (b.strength > a.strength ? b : a));
  // A multiple of the true period correlates as well as the period itself: keep the shortest
  // peak that the strongest is a multiple of, unless the longer one is clearly stronger.
  const unexplained = (strength: number) => Math.max(UNEXPLAINED_FLOOR, 1 - strength);
  const chosen =
    peaks.find(
      (p) =>
        isMultiple(strongest.lag, p.lag) &&
        unexplained(p.strength) <= LONGER_PERIOD_MIN_GAIN * unexplained(strongest.strength),
    ) ?? strongest;
  return chosen.lag;
}

function isMultiple(long: number, short: number): boolean {
  const k = Math.round(long / short);
  return k >= 1 && Math.abs(long - k * short) <= Math.max(1, 0.03 * long);
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

/**
 * The ranks of `y` (0 … n − 1, ties averaged): their autocorrelation (Spearman's) keeps a cycle's shape while a few
 * incidents — an error spike ten times the usual rate, a memory leak — weigh no more than any other high value,
 * instead of dominating the variance and hiding the cycle.
 */
function ranks(y: Float64Array): Float64Array {
  const order = Array.from(y.keys()).sort((a, b) => (y[a] as number) - (y[b] as number));
  const out = new Float64Array(y.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && y[order[j + 1] as number] === y[order[i] as number]) j++;
    for (let k = i; k <= j; k++) out[order[k] as number] = (i + j) / 2;
    i = j + 1;
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
