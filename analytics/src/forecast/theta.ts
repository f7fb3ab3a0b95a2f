/**
 * The Theta method and its optimised variants, in the state-space form of Fiorucci, Pellegrini,
 * Louzada, Petropoulos & Koehler, "Models for optimising the theta method and their relationship to
 * state space models", IJF 32 (2016), eqs. (5)–(9):
 *
 *   μ_t = ℓ_{t−1} + (1 − 1/θ)·[(1−α)^{t−1}·A + (1 − (1−α)^t)/α · B]
 *   ℓ_t = α·y_t + (1−α)·ℓ_{t−1}
 *   ŷ_{n+h} = ℓ_n + (1 − 1/θ)·[(1−α)^n·A + ((h−1) + (1 − (1−α)^{n+1})/α)·B]
 *
 * with A, B the intercept and slope of the least-squares line through y_1..y_n.
 * - `theta` (STM): θ = 2, the M3 winner (Assimakopoulos & Nikolopoulos, 2000); α and ℓ₀ by least squares.
 * - `optimised-theta` (OTM): θ ≥ 1 estimated too.
 * - `dynamic-theta` (DOTM): A and B are re-estimated from y_1..y_t at every step (the line follows the
 *   data), θ estimated; the paper's best variant on M3.
 * All three run on the seasonally adjusted series (`adjustSeasonality` with the M4 90 % test, log scale
 * for positive data), as the M4 Theta benchmark did. Intervals: σ̂·√(1 + (h−1)α²) on the adjusted scale
 * (the SES variance of the state-space model), mapped back with the season.
 * Written by hand: no JavaScript package implements these models. Fit O(n · evaluations), predict O(h).
 * Throws `ForecastError` with fewer than `MIN_POINTS` points.
 */
import type { FittedModel, Forecaster, ForecastInput, ForecastResult } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';
import { nelderMead } from './nelder-mead.ts';
import { adjustSeasonality, adjustedModel } from './deseasonalize.ts';

const MIN_POINTS = 4;
const MAX_EVALUATIONS = 250;
const ALPHA_MIN = 0.001;
const ALPHA_MAX = 0.999;
const THETA_MAX = 20;

export type ThetaVariant = 'standard' | 'optimised' | 'dynamic';

const NAMES: Record<ThetaVariant, string> = {
  standard: 'theta',
  optimised: 'optimised-theta',
  dynamic: 'dynamic-theta',
};

interface ThetaParams {
  alpha: number;
  theta: number;
  level0: number;
}

interface ThetaRun {
  sse: number;
  level: number;
  a: number;
  b: number;
}

/** Runs the recursions; returns the in-sample SSE of the one-step forecasts and the final state. */
function runTheta(y: readonly number[], p: ThetaParams, dynamic: boolean): ThetaRun {
  const n = y.length;
  // Static A, B: least squares on t = 1..n.
  let sumT = 0;
  let sumY = 0;
  let sumTT = 0;
  let sumTY = 0;
  for (let i = 0; i < n; i++) {
    const t = i + 1;
    const v = y[i] as number;
    sumT += t;
    sumY += v;
    sumTT += t * t;
    sumTY += t * v;
  }
  const line = (count: number, st: number, sy: number, stt: number, sty: number): [number, number] => {
    if (count < 2) return [sy / Math.max(1, count), 0];
    const b = (count * sty - st * sy) / (count * stt - st * st);
    return [(sy - b * st) / count, b];
  };
  const [aStatic, bStatic] = line(n, sumT, sumY, sumTT, sumTY);
  const k = 1 - 1 / p.theta;
  const q = 1 - p.alpha;
  let level = p.level0;
  let qPow = 1; // (1−α)^{t−1}
  let sse = 0;
  let a = aStatic;
  let b = bStatic;
  let dT = 0;
  let dY = 0;
  let dTT = 0;
  let dTY = 0;
  for (let i = 0; i < n; i++) {
    const t = i + 1;
    if (dynamic) [a, b] = i === 0 ? [level, 0] : line(i, dT, dY, dTT, dTY);
    const mu = level + k * (qPow * a + ((1 - qPow * q) / p.alpha) * b);
    const v = y[i] as number;
    const e = v - mu;
    sse += e * e;
    level = p.alpha * v + q * level;
    qPow *= q;
    if (dynamic) {
      dT += t;
      dY += v;
      dTT += t * t;
      dTY += t * v;
    }
  }
  if (dynamic) [a, b] = line(n, dT, dY, dTT, dTY);
  return { sse, level, a, b };
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/** Fits one Theta variant on an already adjusted series `y` (no season handling). */
export function fitThetaAdjusted(y: readonly number[], variant: ThetaVariant): FittedModel {
  const name = NAMES[variant];
  const n = y.length;
  if (n < MIN_POINTS) throw new ForecastError(name, `needs at least ${MIN_POINTS} points, got ${n}`);
  const dynamic = variant === 'dynamic';
  const scale = Math.max(1e-12, Math.abs(y[0] as number), ...y.slice(0, 10).map(Math.abs));
  const toParams = (x: number[]): ThetaParams => ({
    alpha: ALPHA_MIN + (ALPHA_MAX - ALPHA_MIN) * logistic(x[0] as number),
    level0: (y[0] as number) + scale * (x[1] as number),
    theta: variant === 'standard' ? 2 : 1 + (THETA_MAX - 1) * logistic(x[2] as number),
  });
  const start = variant === 'standard' ? [0, 0] : [0, 0, -2.9]; // θ starts near 2
  const best = nelderMead((x) => runTheta(y, toParams(x), dynamic).sse, start, {
    maxEvaluations: MAX_EVALUATIONS,
    step: 0.5,
  });
  const params = toParams(best.x);
  const fit = runTheta(y, params, dynamic);
  const sigma = Math.sqrt(fit.sse / Math.max(1, n - (variant === 'standard' ? 2 : 3)));
  if (!Number.isFinite(sigma)) throw new ForecastError(name, 'the fit diverged (non-finite residuals)');
  const k = 1 - 1 / params.theta;
  const q = 1 - params.alpha;
  const qn = q ** n;
  return {
    model: name,
    description: `${name} alpha=${params.alpha.toFixed(3)} theta=${params.theta.toFixed(2)}`,
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(name, h);
      const mean: number[] = [];
      const sd: number[] = [];
      for (let j = 1; j <= h; j++) {
        mean.push(fit.level + k * (qn * fit.a + (j - 1 + (1 - qn * q) / params.alpha) * fit.b));
        sd.push(sigma * Math.sqrt(1 + (j - 1) * params.alpha * params.alpha));
      }
      return gaussianIntervals(mean, sd, levels);
    },
  };
}

/** Fits a Theta variant on the seasonally adjusted `values` (see the module comment). */
export function fitTheta(values: readonly number[], periods: readonly number[], variant: ThetaVariant): FittedModel {
  const name = NAMES[variant];
  if (values.length < MIN_POINTS)
    throw new ForecastError(name, `needs at least ${MIN_POINTS} points, got ${values.length}`);
  const adjustment = adjustSeasonality(values, periods, { test: true });
  return adjustedModel(name, adjustment, fitThetaAdjusted(adjustment.adjusted, variant));
}

function thetaForecaster(variant: ThetaVariant): Forecaster {
  return {
    name: NAMES[variant],
    minLength: () => MIN_POINTS,
    fit: (series: ForecastInput) => fitTheta(series.values, series.periods, variant),
  };
}

export const theta = thetaForecaster('standard');
export const optimisedTheta = thetaForecaster('optimised');
export const dynamicTheta = thetaForecaster('dynamic');
