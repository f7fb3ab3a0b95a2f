/**
 * Robust cleaning of the copy of a series that models are fitted to, as R's `forecast::tsclean` does
 * (Hyndman & Athanasopoulos, fpp2 §12.5; `tsoutliers`): the series is decomposed robustly, and points whose
 * remainder lies outside the quartiles ± 3 interquartile ranges are replaced by the fitted trend + season.
 * On operations data an incident in the training window (a crash burst, a latency spike, an outage) otherwise
 * pulls levels, seasonal profiles, ARIMA means and the holdout scores of every candidate.
 *
 * Positive series are decomposed on their own scale and on the log scale (where a multiplicative season,
 * whose amplitude follows the level, is additive): a point is an outlier only when it is one on both scales
 * (a misfit of the seasonal form shows on one scale only, a spike on both), and it is replaced by the fit of
 * the scale that finds fewer outliers. Other series are decomposed on their own scale.
 * Decomposition, robust throughout: for each period, shortest first, the seasonal profile is the median at
 * each phase, over the whole history, of the series detrended by a running median over the shortest cycle
 * (odd window, the nearest full window at the ends); the level is then a running median over `TREND_WINDOW`
 * points of the seasonally adjusted series (the Theil–Sen line of the first and last window within half a
 * window of the ends, so the newest points of a trend are not taken for outliers): a level shift that holds
 * for more than half of that window (a deploy, a migration, a series going quiet) is followed, while spikes
 * and short bursts stand out. A replacement is kept within the range of the points that were not replaced
 * (a positive series stays positive). When the remainder's interquartile range is 0 (a series that is mostly
 * one value, e.g. mostly zeros) the scale cannot be estimated and nothing is replaced. Deterministic,
 * O(n · window · log window).
 */

/** Running-median window of the level (points): a level that holds for half of it is not an outlier. */
const TREND_WINDOW = 13;
/** Interquartile ranges beyond the quartiles at which a remainder is an outlier (tsoutliers' rule). */
const IQR_FACTOR = 3;
/** Fewest points worth cleaning: below this the quartiles say little. */
const MIN_POINTS = 12;

export interface Cleaned {
  /** The series with outliers replaced. */
  values: number[];
  /** Indices that were replaced. */
  replaced: number[];
}

function median(xs: number[]): number {
  const s = xs.sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? (s[k] as number) : ((s[k - 1] as number) + (s[k] as number)) / 2;
}

function quantile(sorted: readonly number[], p: number): number {
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * Running median of odd width `w`, centred, and at the ends the nearest full window (a window shrunk
 * around the end point would follow the season there and flag it as an outlier).
 */
function runningMedian(values: readonly number[], w: number): number[] {
  const n = values.length;
  const width = Math.min(w, n);
  // The window slides by one point at a time: keep it sorted, one binary-searched insert and delete per step.
  const window = values.slice(0, width).sort((a, b) => a - b) as number[];
  const mid = (): number =>
    width % 2
      ? (window[width >> 1] as number)
      : ((window[(width >> 1) - 1] as number) + (window[width >> 1] as number)) / 2;
  const lowerBound = (x: number): number => {
    let lo = 0;
    let hi = window.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if ((window[m] as number) < x) lo = m + 1;
      else hi = m;
    }
    return lo;
  };
  const out = new Array<number>(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const want = Math.max(0, Math.min(n - width, i - (width >> 1)));
    while (start < want) {
      window.splice(lowerBound(values[start] as number), 1);
      const x = values[start + width] as number;
      window.splice(lowerBound(x), 0, x);
      start++;
    }
    out[i] = mid();
  }
  return out;
}

/**
 * Replaces the level within half a window of either end by the Theil–Sen line through that end's window:
 * a median over the nearest full window lags a trend there, which would flag the newest points of every
 * trending series as outliers.
 */
function extendEnds(values: readonly number[], level: number[], w: number): void {
  const n = values.length;
  const width = Math.min(w, n);
  const half = width >> 1;
  for (const start of [0, n - width]) {
    const slopes: number[] = [];
    for (let i = start; i < start + width; i++)
      for (let j = i + 1; j < start + width; j++)
        slopes.push(((values[j] as number) - (values[i] as number)) / (j - i));
    const slope = median(slopes);
    const intercept = median(values.slice(start, start + width).map((v, k) => v - slope * (start + k)));
    const ends = start === 0 ? [0, half] : [n - half, n];
    for (let i = ends[0] as number; i < (ends[1] as number); i++) level[i] = intercept + slope * i;
  }
}

interface Decomposition {
  /** Trend + season at each point, on the scale decomposed. */
  fitted: number[];
  /** Whether each point's remainder is beyond the quartiles ± 3 IQR; null when the IQR is 0. */
  outlier: boolean[] | null;
  count: number;
}

/** The robust decomposition of `values` (one scale) and its outliers (see the module comment). */
function decompose(values: readonly number[], periods: readonly number[]): Decomposition {
  const n = values.length;
  const usable = [...new Set(periods)].filter((p) => Number.isInteger(p) && p > 1 && n >= 2 * p).sort((a, b) => a - b);
  const shortest = usable[0];
  // Seasonal profiles from the series detrended over a whole cycle (a shorter window would follow the season).
  const cycleTrend = shortest ? runningMedian(values, shortest + ((shortest + 1) % 2)) : [];
  const season = new Array<number>(n).fill(0);
  if (shortest) {
    const detrended = values.map((v, i) => v - (cycleTrend[i] as number));
    for (const p of usable) {
      const profile = Array.from({ length: p }, (_, phase) => {
        const xs: number[] = [];
        for (let i = phase; i < n; i += p) xs.push((detrended[i] as number) - (season[i] as number));
        return median(xs);
      });
      for (let i = 0; i < n; i++) season[i] = (season[i] as number) + (profile[i % p] as number);
    }
  }
  // The level over a short window of the seasonally adjusted series: a shift that lasts is followed, a spike is not.
  const adjusted = values.map((v, i) => v - (season[i] as number));
  const level = runningMedian(adjusted, TREND_WINDOW);
  extendEnds(adjusted, level, TREND_WINDOW);
  const fitted = level.map((l, i) => l + (season[i] as number));
  const remainder = values.map((v, i) => v - (fitted[i] as number));
  const sorted = [...remainder].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  if (!(iqr > 0)) return { fitted, outlier: null, count: 0 };
  const lo = q1 - IQR_FACTOR * iqr;
  const hi = q3 + IQR_FACTOR * iqr;
  const outlier = remainder.map((r) => r < lo || r > hi);
  return { fitted, outlier, count: outlier.filter(Boolean).length };
}

/** `values` with the outliers of its robust decomposition replaced (see the module comment). */
export function cleanSeries(values: readonly number[], periods: readonly number[]): Cleaned {
  const n = values.length;
  if (n < MIN_POINTS) return { values: [...values], replaced: [] };
  const additive = decompose(values, periods);
  const positive = values.every((v) => v > 0);
  const logScale = positive ? decompose(values.map(Math.log), periods) : null;
  // A point is an outlier on every scale tried; it is replaced by the fit of the scale with fewer outliers.
  const outlier = additive.outlier?.map((o, i) => o && (!logScale || logScale.outlier?.[i] === true));
  if (!outlier) return { values: [...values], replaced: [] };
  const useLog = logScale !== null && logScale.outlier !== null && logScale.count < additive.count;
  const kept = values.filter((_, i) => !outlier[i]);
  const min = Math.min(...kept);
  const max = Math.max(...kept);
  const out = [...values];
  const replaced: number[] = [];
  outlier.forEach((o, i) => {
    if (!o) return;
    const fit = useLog ? Math.exp(logScale.fitted[i] as number) : (additive.fitted[i] as number);
    out[i] = Math.min(max, Math.max(min, fit));
    replaced.push(i);
  });
  return { values: out, replaced };
}
