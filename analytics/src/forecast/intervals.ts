/**
 * Gaussian prediction intervals from a per-step forecast standard deviation,
 * shared by the models whose forecast variance has a closed form.
 */
import type { ForecastResult } from './types.ts';
import { intervalMultiplier } from './normal.ts';

/** `mean ± z(level)·sd[i]` for every level; `sd` has one entry per horizon step. */
export function gaussianIntervals(mean: number[], sd: readonly number[], levels: readonly number[]): ForecastResult {
  const lower: number[][] = [];
  const upper: number[][] = [];
  for (const level of levels) {
    const z = intervalMultiplier(level);
    lower.push(mean.map((m, i) => m - z * (sd[i] ?? Number.NaN)));
    upper.push(mean.map((m, i) => m + z * (sd[i] ?? Number.NaN)));
  }
  return { mean, levels: [...levels], lower, upper };
}

/** Checks a horizon argument, naming the model in the error. */
export function checkHorizon(model: string, h: number): void {
  if (!Number.isInteger(h) || h < 1)
    throw new RangeError(`${model}.predict: horizon must be a positive integer, got ${h}`);
}
