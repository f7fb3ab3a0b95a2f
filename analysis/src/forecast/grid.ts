/**
 * The grid a series is forecast on: the finest "round" step at which the
 * history window fits in `maxHistoryPoints` and the horizon in
 * `maxHorizonSteps`. Forecasting 14 days of history at 1-minute resolution
 * would cost 20,160 points per fit and daily periods of 1,440 steps; at the
 * chosen 30-minute step the same window is 672 points with daily (48) and
 * weekly (336) periods, which every model handles in milliseconds. Coarse
 * steps read the hourly rollup instead of raw samples.
 */

/** Candidate steps in seconds, finest first. */
export const GRID_STEPS_SECONDS: readonly number[] = [
  60, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400,
];
/** Most history points a series is fitted on (bounds the cost of a fit and the memory of a page). */
export const DEFAULT_MAX_HISTORY_POINTS = 1_000;
/** Most forecast steps. */
export const DEFAULT_MAX_HORIZON_STEPS = 500;
/** Longest history read, whatever the monitor's lookback (four weekly cycles). */
export const MAX_HISTORY_MS = 28 * 86_400_000;

export interface ForecastGrid {
  stepMs: number;
  /** history window actually read, in ms (a whole number of steps) */
  historyMs: number;
  /** forecast steps covering the horizon */
  horizonSteps: number;
}

/**
 * The grid for a history window and a horizon (both in ms).
 * @throws RangeError naming the argument when a window is not positive or the horizon needs more steps than allowed
 */
export function chooseGrid(
  historyMs: number,
  horizonMs: number,
  options: { maxHistoryPoints?: number; maxHorizonSteps?: number } = {},
): ForecastGrid {
  if (!(historyMs > 0)) throw new RangeError(`chooseGrid: history must be positive, got ${historyMs} ms`);
  if (!(horizonMs > 0)) throw new RangeError(`chooseGrid: horizon must be positive, got ${horizonMs} ms`);
  const maxHistory = options.maxHistoryPoints ?? DEFAULT_MAX_HISTORY_POINTS;
  const maxHorizon = options.maxHorizonSteps ?? DEFAULT_MAX_HORIZON_STEPS;
  const history = Math.min(historyMs, MAX_HISTORY_MS);
  const coarsest = (GRID_STEPS_SECONDS.at(-1) as number) * 1000;
  let stepMs = coarsest;
  for (const s of GRID_STEPS_SECONDS) {
    const ms = s * 1000;
    if (history / ms <= maxHistory && horizonMs / ms <= maxHorizon) {
      stepMs = ms;
      break;
    }
  }
  const horizonSteps = Math.max(1, Math.ceil(horizonMs / stepMs));
  if (horizonSteps > maxHorizon)
    throw new RangeError(
      `horizon: ${horizonMs} ms needs ${horizonSteps} steps of ${stepMs / 1000} s, more than the limit of ${maxHorizon}`,
    );
  return { stepMs, historyMs: Math.max(stepMs, Math.floor(history / stepMs) * stepMs), horizonSteps };
}
