/**
 * Seasonal periods detected from the data: which of the candidate periods (daily, weekly and yearly
 * cycles in steps, from the sampling interval) the series actually shows.
 *
 * Candidates are tested shortest first. For each one the series is detrended by a centred moving average
 * of the candidate's length (which removes trend and level shifts but keeps a cycle of that length), the
 * profiles of the periods already accepted are subtracted, and the autocorrelation at lag m is compared
 * with a floor (`MIN_AUTOCORRELATION`, and 3/√n, three standard errors of white noise); it must also be a
 * local peak and rise `MIN_PROMINENCE` above the lowest autocorrelation at a shorter lag (the trough half a
 * cycle earlier), so trends, aliases and slow wander do not pass. (The Bartlett-bound test of the M4 Theta
 * benchmark was tried first: for smooth cycles Σr_k² is large and it rejected clear weekly seasons.)
 * A period needs at least `MIN_CYCLES` full cycles.
 * O(n·m) per candidate. Never throws: an undetectable season is simply not returned.
 */
import { autocorrelation } from '../stats/autocorrelation.ts';

const SECONDS_PER_DAY = 86_400;
const SECONDS_PER_WEEK = 7 * SECONDS_PER_DAY;
/** Candidate periods (in steps) when the sampling interval is unknown, e.g. step-indexed input. */
export const STEP_INDEX_CANDIDATES: readonly number[] = [4, 7, 12, 24, 52, 168, 288];
const SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY;
/** Calendar months and quarters vary in length; a median spacing in these ranges means monthly/quarterly data. */
const MONTHLY_SPACING_DAYS: readonly [number, number] = [28, 31];
const QUARTERLY_SPACING_DAYS: readonly [number, number] = [89, 92];
/** Yearly periods for sub-monthly data, as seasonal periods, are tested only up to this many steps (daily data). */
const MAX_YEARLY_PERIOD = 366;
const MIN_CYCLES = 2;
const MIN_AUTOCORRELATION = 0.2;
const MIN_PROMINENCE = 0.3;
const WHITE_NOISE_SE = 3;
/** Near the peak of a smooth cycle the ACF is flat, so noise may put a neighbour a little higher. */
const PEAK_TOLERANCE = 0.02;
/** How far the period in steps may be from an integer and still count as one (jittered intervals). */
const PERIOD_ROUNDING_TOLERANCE = 0.01;

export interface SeasonalityResult {
  /** Accepted periods in steps, shortest first. */
  periods: number[];
  /** Autocorrelation at each tested candidate, for reports. */
  tested: { period: number; autocorrelation: number; bound: number; accepted: boolean }[];
}

/**
 * Calendar periods in steps for a sampling interval: daily and weekly cycles when they are whole numbers
 * of at least 2 steps, and the yearly cycle for daily/weekly data (365, 52) and for monthly (12) and
 * quarterly (4) data, whose spacing varies with the calendar.
 */
export function calendarCandidates(intervalSeconds: number): number[] {
  const days = intervalSeconds / SECONDS_PER_DAY;
  if (days >= MONTHLY_SPACING_DAYS[0] && days <= MONTHLY_SPACING_DAYS[1]) return [12];
  if (days >= QUARTERLY_SPACING_DAYS[0] && days <= QUARTERLY_SPACING_DAYS[1]) return [4];
  const out: number[] = [];
  for (const span of [SECONDS_PER_DAY, SECONDS_PER_WEEK, SECONDS_PER_YEAR]) {
    const steps = span / intervalSeconds;
    const rounded = Math.round(steps);
    const whole = Math.abs(steps - rounded) <= PERIOD_ROUNDING_TOLERANCE * rounded;
    if (rounded >= 2 && whole && (span !== SECONDS_PER_YEAR || rounded <= MAX_YEARLY_PERIOD)) out.push(rounded);
  }
  return out;
}

/** Detects the seasonal periods of a regular, gap-free series (see the module comment). */
export function detectSeasonality(
  values: readonly number[],
  options: { intervalSeconds?: number; candidates?: readonly number[] } = {},
): SeasonalityResult {
  const n = values.length;
  const candidates = [
    ...(options.candidates ??
      (options.intervalSeconds ? calendarCandidates(options.intervalSeconds) : STEP_INDEX_CANDIDATES)),
  ]
    .filter((m) => Number.isInteger(m) && m >= 2 && n >= MIN_CYCLES * m)
    .sort((a, b) => a - b);
  const periods: number[] = [];
  const tested: SeasonalityResult['tested'] = [];
  for (const m of candidates) {
    if (periods.some((p) => p === m)) continue;
    let residual = detrend(values, m);
    for (const p of periods) residual = removeProfile(residual, p);
    // A constant residual has no defined autocorrelation (NaN): no season.
    const acf = Array.from(autocorrelation(residual, Math.min(m + 1, n - 1)), (r) => (Number.isNaN(r) ? 0 : r));
    const r = acf[m] ?? 0;
    let trough = 1;
    for (let k = 1; k < m; k++) trough = Math.min(trough, acf[k] ?? 0);
    const bound = Math.max(MIN_AUTOCORRELATION, WHITE_NOISE_SE / Math.sqrt(n));
    const peak = r >= Math.max(acf[m - 1] ?? 0, acf[m + 1] ?? 0) - PEAK_TOLERANCE;
    const accepted = r > bound && peak && r - trough >= MIN_PROMINENCE;
    tested.push({ period: m, autocorrelation: r, bound, accepted });
    if (accepted) periods.push(m);
  }
  return { periods, tested };
}

/** `values` minus a centred moving average of width `m` (ends use the nearest full window). */
function detrend(values: readonly number[], m: number): number[] {
  const n = values.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (values[i] as number);
  const half = Math.floor(m / 2);
  return values.map((v, i) => {
    const start = Math.min(Math.max(0, i - half), n - m);
    return v - ((prefix[start + m] as number) - (prefix[start] as number)) / m;
  });
}

/** Subtracts the mean of each phase of period `p`. */
function removeProfile(values: number[], p: number): number[] {
  const sums = new Float64Array(p);
  const counts = new Float64Array(p);
  values.forEach((v, i) => {
    sums[i % p] = (sums[i % p] as number) + v;
    counts[i % p] = (counts[i % p] as number) + 1;
  });
  return values.map((v, i) => v - (sums[i % p] as number) / Math.max(1, counts[i % p] as number));
}

/** Periods of step-indexed input taken as a daily cycle (hourly, 30-, 15-, 5- and 1-minute steps). */
const DAILY_STEP_PERIODS: readonly number[] = [24, 48, 96, 288, 1440];
const DAYS_PER_WEEK = 7;

/**
 * The periods for a season M the user gave (`hydra forecast --season M`): M itself, plus the weekly cycle 7·M when M is a daily cycle (M steps make a
 * day at the file's interval, or, for step-indexed input, M is 24, 48, 96, 288 or 1440) and the data shows
 * it (`detectSeasonality` on that candidate). Hourly traffic usually has both; a model given only the daily
 * cycle forecasts every weekday like the last one.
 */
export function periodsForSeason(
  season: number,
  values: readonly number[],
  intervalSeconds: number | undefined,
): number[] {
  if (season <= 1) return [];
  const daily = intervalSeconds
    ? Math.abs(season * intervalSeconds - SECONDS_PER_DAY) < 1
    : DAILY_STEP_PERIODS.includes(season);
  if (!daily) return [season];
  const weekly = DAYS_PER_WEEK * season;
  return detectSeasonality(values, { candidates: [season, weekly] }).periods.includes(weekly)
    ? [season, weekly]
    : [season];
}
