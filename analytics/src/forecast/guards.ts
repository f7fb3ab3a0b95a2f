/**
 * Sanity guards on a forecast: a model that produced NaN, an inverted or exploding interval, or a mean
 * outside a plausible range around the history is not trusted; the caller falls back to the baseline.
 *
 * Plausible range: [min − R, max + R] with R = (max − min)·(1 + h/n) — as much again as the history
 * ever moved, plus room for a trend continued over the horizon. Explosion: an interval wider than
 * `EXPLOSION_FACTOR`·R. Constant histories get a tiny tolerance so exact constant forecasts pass.
 */
import type { ForecastResult } from './types.ts';

/** Interval width, in units of the history's range R, above which a forecast counts as exploded. */
export const EXPLOSION_FACTOR = 20;
const CONSTANT_TOLERANCE = 1e-9;

export type GuardReason = 'non-finite' | 'inverted-interval' | 'explosion' | 'implausible-range';

/** Returns why `forecast` is not plausible for `history`, or `null` when it passes. */
export function checkForecast(history: readonly number[], forecast: ForecastResult): GuardReason | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of history) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const h = forecast.mean.length;
  const spread = Math.max(max - min, CONSTANT_TOLERANCE * Math.max(1, Math.abs(max), Math.abs(min)));
  const allowance = spread * (1 + h / Math.max(1, history.length));
  for (const v of forecast.mean) if (!Number.isFinite(v)) return 'non-finite';
  for (let k = 0; k < forecast.lower.length; k++) {
    const lower = forecast.lower[k] ?? [];
    const upper = forecast.upper[k] ?? [];
    for (let i = 0; i < h; i++) {
      const lo = lower[i] as number;
      const hi = upper[i] as number;
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) return 'non-finite';
      if (hi < lo) return 'inverted-interval';
      if (hi - lo > EXPLOSION_FACTOR * allowance) return 'explosion';
    }
  }
  for (const v of forecast.mean) if (v < min - allowance || v > max + allowance) return 'implausible-range';
  return null;
}
