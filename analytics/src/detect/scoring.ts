import type { ResolvedOptions } from './options.ts';
import type { PointResult } from './types.ts';

/**
 * Steepness of the score curve. The score of a deviation r band-widths
 * from the expected value is r^p / (1 + r^p): 0.5 on the band edge, 0.06 at
 * half the band, 0.94 at twice the band.
 */
export const SCORE_STEEPNESS = 4;
/** Smallest scale used, relative to |expected|, so a perfectly flat history does not divide by zero. */
export const RELATIVE_SCALE_FLOOR = 1e-9;
/** Smallest absolute scale used. */
export const ABSOLUTE_SCALE_FLOOR = 1e-12;

/** The result for a point that cannot be scored yet (warm-up). */
export function warmingUp(expected = Number.NaN, halfWidth = Number.NaN): PointResult {
  return { score: 0, expected, lower: expected - halfWidth, upper: expected + halfWidth };
}

/** Maps a deviation measured in band half-widths to a score in [0, 1). */
export function scoreFromRatio(ratio: number): number {
  if (!(ratio > 0)) return 0;
  if (!Number.isFinite(ratio)) return 1;
  const p = ratio ** SCORE_STEEPNESS;
  return Number.isFinite(p) ? p / (1 + p) : 1;
}

/** Band half-width for a scale (a standard-deviation estimate) under the options. */
export function bandHalfWidth(expected: number, scale: number, o: ResolvedOptions): number {
  const floor = Math.max(ABSOLUTE_SCALE_FLOOR, RELATIVE_SCALE_FLOOR * Math.abs(expected));
  return Math.max(o.bandSigmas * Math.max(scale, floor), o.minDeviation);
}

/**
 * Scores `value` against `expected` ± `halfWidth` under the user's controls:
 * deviations on a side the direction ignores, or smaller than
 * `minDeviation`, score 0; otherwise the score passes 0.5 at the band edge.
 */
export function scoreAgainstBand(value: number, expected: number, halfWidth: number, o: ResolvedOptions): PointResult {
  const lower = expected - halfWidth;
  const upper = expected + halfWidth;
  if (Number.isNaN(value)) return { score: Number.NaN, expected, lower, upper };
  const deviation = value - expected;
  return { score: directedScore(deviation, Math.abs(deviation) / halfWidth, o), expected, lower, upper };
}

/** Applies direction and minDeviation to a signed deviation and its band ratio. */
export function directedScore(deviation: number, ratio: number, o: ResolvedOptions): number {
  if (deviation === 0 || Math.abs(deviation) < o.minDeviation) return 0;
  if (o.direction === 'above' && deviation < 0) return 0;
  if (o.direction === 'below' && deviation > 0) return 0;
  return scoreFromRatio(ratio);
}
