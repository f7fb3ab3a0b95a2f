/**
 * Holt–Winters with an additive damped trend and additive seasonality, ETS(A,Ad,A) in
 * error-correction form (Hyndman, Koehler, Ord & Snyder, *Forecasting with Exponential Smoothing*, 2008, Table 2.1):
 *
 *   ŷ(t) = ℓ + φb + s(t−m),  e = y(t) − ŷ(t)
 *   ℓ ← ℓ + φb + αe,  b ← φb + βe,  s(t) ← s(t−m) + γe
 *   ŷ(T+h) = ℓ + (φ + … + φ^h)·b + s(T+h−m(k+1))
 *
 * With no season (or fewer than two cycles) it is damped Holt, ETS(A,Ad,N). Initial states are the classical
 * ones (level and trend from the first two seasons, seasonal indices from the first one); α, β, γ, φ minimise
 * the in-sample SSE by Nelder–Mead within α∈(0,1), β∈(0,α), γ∈(0,1−α), φ∈[0.8,0.98].
 * Intervals are the closed form for this class (ibid. Table 6.1, class 1):
 *   Var(h) = σ²·(1 + Σ_{j<h} c_j²),  c_j = α + βφ_j + γ·[j mod m = 0],  φ_j = φ + … + φ^j.
 * Fit O(n · evaluations), predict O(h). Throws `ForecastError` with fewer than 4 points.
 */
import type { FittedModel, Forecaster, ForecastResult, ForecastInput } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';
import { nelderMead } from './nelder-mead.ts';
import { baselinePeriod } from './seasonal-naive.ts';

const NAME = 'holt-winters';
const MIN_POINTS = 4;
const PHI_MIN = 0.8;
const PHI_MAX = 0.98;
const MAX_EVALUATIONS = 300;

/** Smoothing parameters of ETS(A,Ad,A) in error-correction form (β and γ are not scaled by α). */
export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

/** The state of an exponential-smoothing recursion: level, trend and one seasonal index per period slot. */
export interface SmoothingState {
  level: number;
  trend: number;
  season: number[];
}
type State = SmoothingState;

/** Maps an unconstrained optimiser coordinate into (0, 1). */
export const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));

function toParams(x: number[], seasonal: boolean): HoltWintersParams {
  const alpha = logistic(x[0] as number);
  const beta = alpha * logistic(x[1] as number);
  const gamma = seasonal ? (1 - alpha) * logistic(x[2] as number) : 0;
  const phi = PHI_MIN + (PHI_MAX - PHI_MIN) * logistic(x[seasonal ? 3 : 2] as number);
  return { alpha, beta, gamma, phi };
}

function initialState(y: readonly number[], m: number): State {
  if (m > 1) {
    let first = 0;
    let second = 0;
    for (let i = 0; i < m; i++) {
      first += y[i] as number;
      second += y[i + m] as number;
    }
    first /= m;
    second /= m;
    const trend = (second - first) / m;
    const season = y.slice(0, m).map((v, i) => v - (first + (i - (m - 1) / 2) * trend));
    return { level: first - ((m + 1) / 2) * trend, trend, season };
  }
  const k = Math.min(y.length - 1, 4);
  return { level: y[0] as number, trend: ((y[k] as number) - (y[0] as number)) / k, season: [0] };
}

/** Runs the recursions over `y`; returns the SSE and the final state. */
function run(y: readonly number[], m: number, p: HoltWintersParams, init: State): { sse: number; state: State } {
  let { level, trend } = init;
  const season = [...init.season];
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const si = t % m;
    const s = m > 1 ? (season[si] as number) : 0;
    const e = (y[t] as number) - (level + p.phi * trend + s);
    sse += e * e;
    level = level + p.phi * trend + p.alpha * e;
    trend = p.phi * trend + p.beta * e;
    if (m > 1) season[si] = s + p.gamma * e;
  }
  return { sse, state: { level, trend, season } };
}

/** Fits ETS(A,Ad,A) with season `period` (ETS(A,Ad,N) when `period` ≤ 1 or under two cycles). */
export function fitHoltWinters(values: readonly number[], period: number): FittedModel {
  const n = values.length;
  if (n < MIN_POINTS) throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${n}`);
  const m = period > 1 && n >= 2 * period ? period : 1;
  const seasonal = m > 1;
  const init = initialState(values, m);
  const start = seasonal ? [logit(0.2), logit(0.1), logit(0.1), 0] : [logit(0.3), logit(0.1), 0];
  const best = nelderMead((x) => run(values, m, toParams(x, seasonal), init).sse, start, {
    maxEvaluations: MAX_EVALUATIONS,
  });
  return holtWintersWithParams(values, m, toParams(best.x, seasonal), seasonal ? 4 + m : 4);
}

/**
 * Runs ETS(A,Ad,A) with fixed parameters (φ = 1 gives the undamped model, β = 0 no trend, γ = 0 or
 * `period` 1 no season) and returns the fitted model; `estimated` is the number of estimated
 * parameters, used for σ²'s degrees of freedom. Exposed for tests against published closed forms.
 */
export function holtWintersWithParams(
  values: readonly number[],
  period: number,
  params: HoltWintersParams,
  estimated = 0,
): FittedModel {
  const n = values.length;
  if (n < MIN_POINTS) throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${n}`);
  const m = period > 1 && n >= 2 * period ? period : 1;
  const seasonal = m > 1;
  const { sse, state } = run(values, m, params, initialState(values, m));
  const dof = Math.max(1, n - estimated);
  const sigma = Math.sqrt(sse / dof);
  if (!Number.isFinite(sigma)) throw new ForecastError(NAME, 'the fit diverged (non-finite residuals)');
  return {
    model: NAME,
    description: `ETS(A,Ad,${seasonal ? 'A' : 'N'}) m=${m} alpha=${params.alpha.toFixed(3)} beta=${params.beta.toFixed(3)} gamma=${params.gamma.toFixed(3)} phi=${params.phi.toFixed(3)}`,
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      const mean: number[] = [];
      const sd: number[] = [];
      let phiSum = 0;
      let phiPow = 1;
      let varianceSum = 1;
      for (let j = 1; j <= h; j++) {
        phiPow *= params.phi;
        phiSum += phiPow;
        const s = seasonal ? (state.season[(n + j - 1) % m] as number) : 0;
        mean.push(state.level + phiSum * state.trend + s);
        sd.push(sigma * Math.sqrt(varianceSum));
        const c = params.alpha + params.beta * phiSum + (seasonal && j % m === 0 ? params.gamma : 0);
        varianceSum += c * c;
      }
      return gaussianIntervals(mean, sd, levels);
    },
  };
}

/**
 * Holt–Winters damped additive ETS on the longest detected season with two full cycles (see the
 * module comment): a weekly season of hourly data contains the daily one, whereas a daily season
 * cannot represent a weekday/weekend difference (on the benchmark's weekly series the daily choice
 * was 2× worse than seasonal naive).
 */
export const holtWinters: Forecaster = {
  name: NAME,
  minLength: () => MIN_POINTS,
  fit: (series: ForecastInput) => fitHoltWinters(series.values, baselinePeriod(series.periods, series.values.length)),
};
