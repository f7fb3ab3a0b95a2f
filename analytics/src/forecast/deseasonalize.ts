/**
 * Seasonal adjustment for the models that forecast a seasonally adjusted series (Theta, the ensemble,
 * and ETS/ARIMA for seasons longer than their own seasonal state can carry), and the way back.
 *
 * Positive series are adjusted on the log scale (a multiplicative season, whose amplitude follows the
 * level, is additive there); series with zeros or negative values on their own scale. Each period's
 * component is estimated like STL's seasonal step with a moving average in place of loess: the series is
 * detrended by a centred moving average of the period's length (2×m for even m; the nearest full window at
 * the ends), and the component at t is the mean of the detrended values at the same phase in the
 * `SEASONAL_WINDOW_CYCLES` cycles centred on t's cycle (fewer at the ends), centred to mean zero per cycle.
 * The profile thus follows a season that changes over the weeks (a constant classical profile was 2–8×
 * worse than seasonal naive on real latency series whose daily amplitude shrank). With several periods
 * (24 and 168 for hourly data) each is estimated with the others removed, in two sweeps (MSTL's
 * backfitting, Bandara, Hyndman & Bergmeir 2021; written here because augurs' MSTL does not expose its
 * components to JavaScript). A period needs two full cycles; with `test` set, it must also pass the M4
 * 90 % autocorrelation test (`seasonalityTest`).
 *
 * The seasonal forecast repeats the last cycle of each component; forecasts of the adjusted series —
 * means and interval bounds alike — get the season added back and the log undone (quantiles map exactly
 * through a monotone transform). O(n · periods · window).
 */
import type { FittedModel, ForecastResult } from './types.ts';
import { seasonalityTest } from '../seasonality/classical.ts';

const SWEEPS = 2;
const MIN_CYCLES = 2;
/** Cycles averaged per phase for the seasonal component (odd: centred on the point's own cycle). */
export const SEASONAL_WINDOW_CYCLES = 7;

export interface Adjustment {
  /** The adjusted series on the working scale (log for positive input). */
  adjusted: number[];
  /** Periods removed, shortest first. */
  periods: number[];
  log: boolean;
  /** Seasonal component on the working scale at position `t` (any t ≥ 0, past or future). */
  season(t: number): number;
}

export interface AdjustOptions {
  /** Keep only periods that pass the 90 % seasonality test (the M4 benchmarks' rule). */
  test?: boolean;
  /** Never take logs (additive adjustment on the series' own scale). */
  noLog?: boolean;
  /**
   * Periods estimated with the others (so they are not mistaken for part of them) but left in the adjusted
   * series, for a model that carries that season itself (seasonal ARIMA or ETS at the daily period).
   */
  keep?: readonly number[];
}

/** Removes the usable `periods` from `values` (see the module comment). */
export function adjustSeasonality(
  values: readonly number[],
  periods: readonly number[],
  options: AdjustOptions = {},
): Adjustment {
  const log = !options.noLog && values.length > 0 && values.every((v) => v > 0);
  const work = log ? values.map(Math.log) : [...values];
  const n = work.length;
  const usable = [...new Set(periods)]
    .filter((p) => Number.isInteger(p) && p > 1 && n >= MIN_CYCLES * p)
    .filter((p) => !options.test || seasonalityTest(work, p))
    .sort((a, b) => a - b);
  const components = new Map<number, Float64Array>(usable.map((p) => [p, new Float64Array(n)]));
  const seasonAt = (t: number, skip?: number): number => {
    let s = 0;
    for (const [p, c] of components) {
      if (p === skip) continue;
      // Past: the component itself; future: the same phase in the last full cycle.
      const i = t < n ? t : n - p + ((t - n) % p);
      s += c[i] as number;
    }
    return s;
  };
  for (let sweep = 0; sweep < (usable.length > 1 ? SWEEPS : 1); sweep++) {
    for (const p of usable) {
      const rest = work.map((v, t) => v - seasonAt(t, p));
      components.set(p, seasonalComponent(rest, p));
    }
  }
  for (const p of options.keep ?? []) components.delete(p);
  return {
    adjusted: work.map((v, t) => v - seasonAt(t)),
    periods: usable.filter((p) => components.has(p)),
    log,
    season: (t) => seasonAt(t),
  };
}

/** Centred moving average of order m (2×m for even m), the nearest full window at the ends. */
function movingAverage(x: readonly number[], m: number): Float64Array {
  const n = x.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (x[i] as number);
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  const out = new Float64Array(n);
  const span = even ? m + 1 : m;
  for (let t = 0; t < n; t++) {
    const lo = Math.min(Math.max(0, t - half), n - span);
    if (even) {
      const inner = (prefix[lo + m] as number) - (prefix[lo + 1] as number);
      out[t] = (inner + 0.5 * ((x[lo] as number) + (x[lo + m] as number))) / m;
    } else {
      out[t] = ((prefix[lo + m] as number) - (prefix[lo] as number)) / m;
    }
  }
  return out;
}

/** The seasonal component of period m (see the module comment); needs n ≥ 2m + 1. */
function seasonalComponent(x: readonly number[], m: number): Float64Array {
  const n = x.length;
  const trend = movingAverage(x, m);
  const detrended = x.map((v, t) => v - (trend[t] as number));
  const cycles = Math.ceil(n / m);
  const half = (SEASONAL_WINDOW_CYCLES - 1) / 2;
  const raw = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const c = Math.floor(t / m);
    const phase = t % m;
    // Shift the window inside [0, cycles) so every point averages as many cycles as there are.
    let lo = Math.max(0, c - half);
    const hi = Math.min(cycles - 1, lo + SEASONAL_WINDOW_CYCLES - 1);
    lo = Math.max(0, hi - SEASONAL_WINDOW_CYCLES + 1);
    let sum = 0;
    let count = 0;
    for (let k = lo; k <= hi; k++) {
      const i = k * m + phase;
      if (i < n) {
        sum += detrended[i] as number;
        count++;
      }
    }
    raw[t] = sum / count;
  }
  // Centre each cycle's profile (a season adds nothing over a cycle; the level stays in the trend).
  for (let start = 0; start < n; start += m) {
    const end = Math.min(n, start + m);
    const from = end - m >= 0 ? end - m : start;
    let mean = 0;
    for (let i = from; i < end; i++) mean += raw[i] as number;
    mean /= end - from;
    for (let i = start; i < end; i++) raw[i] = (raw[i] as number) - mean;
  }
  return raw;
}

/** Maps a forecast of the adjusted series (starting at position `start`) back to the original scale. */
export function reseasonalize(adjustment: Adjustment, forecast: ForecastResult, start: number): ForecastResult {
  const back = (xs: readonly number[]): number[] =>
    xs.map((v, i) => {
      const w = v + adjustment.season(start + i);
      return adjustment.log ? Math.exp(w) : w;
    });
  return {
    mean: back(forecast.mean),
    levels: [...forecast.levels],
    lower: forecast.lower.map(back),
    upper: forecast.upper.map(back),
  };
}

/** Describes an adjustment for a model description, e.g. `log, seasons [24,168] removed`. */
export function describeAdjustment(adjustment: Adjustment): string {
  const seasons = adjustment.periods.length ? `seasons [${adjustment.periods.join(',')}] removed` : 'no season';
  return adjustment.log ? `log scale, ${seasons}` : seasons;
}

/**
 * A fitted model of the adjusted series as a model of the original one: `inner` was fitted on
 * `adjustment.adjusted` (n points); its forecasts are reseasonalised from position n on.
 */
export function adjustedModel(
  model: string,
  adjustment: Adjustment,
  inner: FittedModel,
  description = `${inner.description} (${describeAdjustment(adjustment)})`,
): FittedModel {
  const n = adjustment.adjusted.length;
  return {
    model,
    description,
    predict: (h, levels) => reseasonalize(adjustment, inner.predict(h, levels), n),
  };
}

/**
 * A model that carries the shortest of `usable` periods itself (ETS's seasonal states, seasonal ARIMA's
 * seasonal lags), fitted by `fit(y, m)` to the series with the longer periods removed (estimated jointly
 * with the kept one, `keep`) and, for positive data, on the log scale; the forecasts get the removed seasons
 * added back and the log undone. A daily season modelled this way follows the latest days (seasonal
 * smoothing, seasonal differencing) where a removed one repeats a profile averaged over
 * `SEASONAL_WINDOW_CYCLES` cycles; the weekly one, with only 4–6 cycles of history, is better removed.
 */
export function fitKeepingShortestSeason(
  model: string,
  values: readonly number[],
  usable: readonly number[],
  fit: (y: readonly number[], m: number) => FittedModel,
): FittedModel {
  const m = Math.min(...usable);
  const adjustment = adjustSeasonality(values, usable, { keep: [m] });
  const inner = fit(adjustment.adjusted, m);
  if (!adjustment.log && adjustment.periods.length === 0) return inner;
  return adjustedModel(model, adjustment, inner);
}
