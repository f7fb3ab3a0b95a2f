/**
 * Automatic exponential smoothing: ETS(error, trend, season) chosen by AICc, as `ets()` of R's forecast
 * package does (Hyndman, Koehler, Ord & Snyder, *Forecasting with Exponential Smoothing*, 2008; Hyndman &
 * Khandakar, JSS 27(3), 2008).
 *
 * Forms: error A or M, trend N, A or Ad (damped), season N, A or M — the 15 that R's `ets` tries by
 * default (no multiplicative trend; no additive error with a multiplicative season, whose variance is
 * unbounded). Multiplicative forms only for strictly positive data. In error-correction form with the
 * one-step error e = y − ŷ (ŷ = (ℓ + φb) ⊕ s, ⊕ = + or ×), both error types share the state updates
 *   ℓ ← ℓ + φb + αe/r,  b ← φb + βe/r,  s ← s + γe/q
 * (r = s and q = ℓ + φb for a multiplicative season, r = q = 1 otherwise; ibid. Table 2.3); they differ
 * in the likelihood: −2 log L = n·log(Σe²) for additive errors, n·log(Σ(e/ŷ)²) + 2Σlog|ŷ| for
 * multiplicative ones (ibid. §5.2). α, β, γ, φ are estimated by Nelder–Mead within R's bounds
 * (α, β, γ ∈ [1e-4, 0.9999], β < α, γ < 1 − α, φ ∈ [0.8, 0.98]) together with the initial level and
 * slope (started from R's heuristic: a line through the first ten seasonally adjusted points); the initial
 * seasonal indices come from classical decomposition of the first cycles and are counted as parameters in
 * the AICc but not optimised (m − 1 more dimensions would multiply the cost of a fit). The seasonal forms
 * carry the shortest period when it is at most `MAX_SEASON` (R refuses longer ones); longer periods (168
 * for hourly data) are removed first, and positive series are fitted on the log scale
 * (`fitKeepingShortestSeason`). Measured against ETS on the raw series with every season removed when
 * there were two: ratio to seasonal naive 0.996 → 0.976 on the real hourly benchmark, 0.462 → 0.459 on
 * synthetic hourly (daily seasonal naive's MASE; hourly periods as `--season 24` gives them). With only
 * periods longer than `MAX_SEASON` every season is removed (`adjustSeasonality`) and the non-seasonal
 * forms are fitted on the adjusted series.
 * Intervals: the class-1 closed form Var(h) = σ²(1 + Σ_{j<h} c_j²), c_j = α + βφ_j + γ[j ≡ 0 mod m]
 * (ibid. Table 6.1) for additive errors, scaled by |ŷ_h| for multiplicative ones (a first-order
 * approximation of classes 2–3, which have no closed form).
 * Written by hand: augurs' AutoETS has no seasonal forms. Throws `ForecastError` with fewer than `MIN_POINTS`.
 */
import type { FittedModel, Forecaster, ForecastInput, ForecastResult } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';
import { nelderMead } from './nelder-mead.ts';
import { adjustSeasonality, adjustedModel, fitKeepingShortestSeason } from './deseasonalize.ts';
import { classicalSeasonalIndices } from '../seasonality/classical.ts';
import { logistic, type HoltWintersParams, type SmoothingState } from './holt-winters.ts';

const NAME = 'ets';
const MIN_POINTS = 6;
/** Longest season ETS carries as states, as in R's `ets`. */
export const MAX_SEASON = 24;
const MAX_EVALUATIONS = 160;
const BOUND_LOW = 1e-4;
const BOUND_HIGH = 0.9999;
const PHI_MIN = 0.8;
const PHI_MAX = 0.98;
/** Cycles used to initialise the seasonal indices. */
const INIT_CYCLES = 4;
const INIT_POINTS = 10;
/** Smallest residual variance (relative for multiplicative errors) the likelihood uses. */
const VARIANCE_FLOOR = 1e-20;
/**
 * Seasonal forms are fitted to the last this many cycles. The initial states are not optimised (see the
 * module comment), and a seasonal state started from a profile that has since changed is corrected only
 * slowly when α is large (the level absorbs the errors): on real latency series whose daily amplitude
 * shrank, fits to 4 weeks forecast the old amplitude. Starting 10 cycles back keeps the start close.
 */
const SEASONAL_WINDOW_CYCLES = 10;

type ErrorForm = 'A' | 'M';
type TrendForm = 'N' | 'A' | 'Ad';
type SeasonForm = 'N' | 'A' | 'M';

export interface EtsForm {
  error: ErrorForm;
  trend: TrendForm;
  season: SeasonForm;
}

type Params = HoltWintersParams;
type State = SmoothingState;

const between = (lo: number, hi: number, x: number): number => lo + (hi - lo) * logistic(x);

/** The forms tried for this series: 15 for positive seasonal data, fewer otherwise (see the module comment). */
export function etsForms(positive: boolean, seasonal: boolean): EtsForm[] {
  const forms: EtsForm[] = [];
  for (const error of positive ? (['A', 'M'] as const) : (['A'] as const))
    for (const trend of ['N', 'A', 'Ad'] as const)
      for (const season of seasonal
        ? positive
          ? (['N', 'A', 'M'] as const)
          : (['N', 'A'] as const)
        : (['N'] as const)) {
        if (error === 'A' && season === 'M') continue;
        forms.push({ error, trend, season });
      }
  return forms;
}

const formName = (f: EtsForm): string => `ETS(${f.error},${f.trend},${f.season})`;

function initialState(y: readonly number[], m: number, form: EtsForm): State {
  const n = y.length;
  let season: number[] = [form.season === 'M' ? 1 : 0];
  if (form.season !== 'N') {
    const span = Math.min(n, Math.max(2, INIT_CYCLES) * m);
    season = classicalSeasonalIndices(y.slice(0, span), m, form.season === 'M' ? 'multiplicative' : 'additive');
  }
  const k = Math.min(n, INIT_POINTS);
  const adjusted = y.slice(0, k).map((v, t) => {
    if (form.season === 'N') return v;
    const s = season[t % m] as number;
    return form.season === 'M' ? v / s : v - s;
  });
  let slope = 0;
  let intercept = adjusted.reduce((a, b) => a + b, 0) / k;
  if (form.trend !== 'N' && k > 1) {
    const tMean = (k + 1) / 2;
    let num = 0;
    let den = 0;
    adjusted.forEach((v, i) => {
      num += (i + 1 - tMean) * (v - intercept);
      den += (i + 1 - tMean) ** 2;
    });
    slope = num / den;
    intercept -= slope * tMean;
  }
  return { level: intercept, trend: slope, season };
}

interface RunResult {
  /** −2 log L up to the constant shared by every form. */
  deviance: number;
  /** Σe² (additive errors) or Σ(e/ŷ)² (multiplicative), for σ̂. */
  sse: number;
  state: State;
}

function run(y: readonly number[], m: number, form: EtsForm, p: Params, init: State): RunResult {
  let { level, trend } = init;
  const season = [...init.season];
  const phi = form.trend === 'Ad' ? p.phi : 1;
  const hasTrend = form.trend !== 'N';
  let sse = 0;
  let logSum = 0;
  for (let t = 0; t < y.length; t++) {
    const phase = t % m;
    const s = form.season === 'N' ? 0 : (season[phase] as number);
    const base = level + (hasTrend ? phi * trend : 0);
    const yhat = form.season === 'M' ? base * s : base + s;
    const e = (y[t] as number) - yhat;
    if (form.error === 'M') {
      if (!(yhat > 0)) return { deviance: Number.POSITIVE_INFINITY, sse: Number.POSITIVE_INFINITY, state: init };
      sse += (e / yhat) ** 2;
      logSum += Math.log(yhat);
    } else {
      sse += e * e;
    }
    const r = form.season === 'M' ? s : 1;
    level = base + (p.alpha * e) / r;
    if (hasTrend) trend = phi * trend + (p.beta * e) / r;
    if (form.season === 'A') season[phase] = s + p.gamma * e;
    else if (form.season === 'M') season[phase] = s + (p.gamma * e) / base;
  }
  const n = y.length;
  // A perfect fit (a constant series) has SSE 0: floor the variance so the likelihood stays finite.
  const deviance = n * Math.log(Math.max(sse / n, VARIANCE_FLOOR)) + 2 * logSum;
  return { deviance, sse, state: { level, trend, season } };
}

function toParams(x: readonly number[], form: EtsForm): Params {
  let i = 0;
  const alpha = between(BOUND_LOW, BOUND_HIGH, x[i++] as number);
  const beta = form.trend === 'N' ? 0 : between(BOUND_LOW, Math.max(2 * BOUND_LOW, alpha), x[i++] as number);
  const gamma = form.season === 'N' ? 0 : between(BOUND_LOW, Math.max(2 * BOUND_LOW, 1 - alpha), x[i++] as number);
  const phi = form.trend === 'Ad' ? between(PHI_MIN, PHI_MAX, x[i++] as number) : 1;
  return { alpha, beta, gamma, phi };
}

/** Number of smoothing parameters of a form (the initial level and slope follow them in the vector). */
function smoothingCount(form: EtsForm): number {
  return 1 + (form.trend !== 'N' ? 1 : 0) + (form.season !== 'N' ? 1 : 0) + (form.trend === 'Ad' ? 1 : 0);
}

/** The heuristic initial state moved by the optimiser's level and slope offsets (in units of `scale`). */
function shiftedState(init: State, x: readonly number[], form: EtsForm, scale: number): State {
  const k = smoothingCount(form);
  return {
    level: init.level + scale * (x[k] as number),
    trend: form.trend === 'N' ? 0 : init.trend + (scale / INIT_POINTS) * (x[k + 1] as number),
    season: init.season,
  };
}

/** Standard deviation of `y` (1e-9 at least): the scale of the initial-state offsets. */
function spread(y: readonly number[]): number {
  const mu = y.reduce((a, b) => a + b, 0) / y.length;
  const sd = Math.sqrt(y.reduce((a, b) => a + (b - mu) ** 2, 0) / y.length);
  return Math.max(sd, 1e-9 * Math.max(1, Math.abs(mu)));
}

interface FormFit {
  form: EtsForm;
  params: Params;
  result: RunResult;
  aicc: number;
}

function fitForm(y: readonly number[], m: number, form: EtsForm): FormFit {
  const init = initialState(y, m, form);
  const scale = spread(y);
  const start = [-1.5];
  if (form.trend !== 'N') start.push(-2);
  if (form.season !== 'N') start.push(-2);
  if (form.trend === 'Ad') start.push(1);
  start.push(0); // initial level offset
  if (form.trend !== 'N') start.push(0); // initial slope offset
  const best = nelderMead(
    (x) => run(y, m, form, toParams(x, form), shiftedState(init, x, form, scale)).deviance,
    start,
    { maxEvaluations: MAX_EVALUATIONS + 20 * start.length, tolerance: 1e-6, step: 0.5 },
  );
  const params = toParams(best.x, form);
  const result = run(y, m, form, params, shiftedState(init, best.x, form, scale));
  const n = y.length;
  // Parameters: smoothing weights and φ, initial level and slope, m − 1 free seasonal indices, and σ.
  const k = start.length + (form.season !== 'N' ? m - 1 : 0) + 1;
  const aicc = n - k - 1 > 0 ? result.deviance + 2 * k + (2 * k * (k + 1)) / (n - k - 1) : Number.POSITIVE_INFINITY;
  return { form, params, result, aicc };
}

function forecastFrom(fit: FormFit, n: number, m: number, h: number, levels: readonly number[]): ForecastResult {
  const { form, params, result } = fit;
  const { level, trend, season } = result.state;
  const phi = form.trend === 'Ad' ? params.phi : 1;
  const dof = Math.max(1, n - 1);
  const sigma = Math.sqrt(result.sse / dof);
  const mean: number[] = [];
  const sd: number[] = [];
  let phiSum = 0;
  let phiPow = 1;
  let varianceSum = 1;
  for (let j = 1; j <= h; j++) {
    phiPow *= phi;
    phiSum += phiPow;
    const base = level + (form.trend === 'N' ? 0 : phiSum * trend);
    const s = form.season === 'N' ? 0 : (season[(n + j - 1) % m] as number);
    const yhat = form.season === 'M' ? base * s : base + s;
    mean.push(yhat);
    sd.push(sigma * Math.sqrt(varianceSum) * (form.error === 'M' ? Math.abs(yhat) : 1));
    const c =
      params.alpha +
      (form.trend === 'N' ? 0 : params.beta * phiSum) +
      (form.season !== 'N' && j % m === 0 ? params.gamma : 0);
    varianceSum += c * c;
  }
  return gaussianIntervals(mean, sd, levels);
}

/** Fits every allowed form on `y` with season `m` (1: none) and returns the one with the lowest AICc. */
export function fitEtsSeries(values: readonly number[], m: number, forms?: readonly EtsForm[]): FittedModel {
  const y = m > 1 ? values.slice(-SEASONAL_WINDOW_CYCLES * m) : values;
  const n = y.length;
  if (n < MIN_POINTS) throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${n}`);
  const seasonal = m > 1 && n >= 2 * m;
  const positive = y.every((v) => v > 0);
  const candidates = forms ?? etsForms(positive, seasonal);
  let best: FormFit | undefined;
  for (const form of candidates) {
    const fit = fitForm(y, seasonal ? m : 1, form);
    if (Number.isFinite(fit.aicc) && (!best || fit.aicc < best.aicc)) best = fit;
  }
  if (!best) throw new ForecastError(NAME, 'no ETS form could be fitted (non-finite likelihood)');
  const chosen = best;
  const period = seasonal ? m : 1;
  const p = chosen.params;
  return {
    model: NAME,
    description: `${formName(chosen.form)}${chosen.form.season !== 'N' ? ` m=${period}` : ''} alpha=${p.alpha.toFixed(3)}${chosen.form.trend !== 'N' ? ` beta=${p.beta.toFixed(3)}` : ''}${chosen.form.season !== 'N' ? ` gamma=${p.gamma.toFixed(3)}` : ''}${chosen.form.trend === 'Ad' ? ` phi=${p.phi.toFixed(3)}` : ''} AICc=${chosen.aicc.toFixed(1)}`,
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      return forecastFrom(chosen, n, period, h, levels);
    },
  };
}

/**
 * Fits automatic ETS to a series with `periods` (see the module comment): seasonal forms on a single
 * period ≤ `MAX_SEASON`, otherwise non-seasonal forms on the seasonally adjusted series.
 */
export function fitEts(values: readonly number[], periods: readonly number[]): FittedModel {
  if (values.length < MIN_POINTS)
    throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${values.length}`);
  const usable = periods.filter((p) => p > 1 && values.length >= 2 * p);
  if (usable.length === 0) return fitEtsSeries(values, 1);
  if (Math.min(...usable) <= MAX_SEASON) return fitKeepingShortestSeason(NAME, values, usable, fitEtsSeries);
  const adjustment = adjustSeasonality(values, usable);
  return adjustedModel(NAME, adjustment, fitEtsSeries(adjustment.adjusted, 1));
}

/** Automatic ETS (see the module comment). */
export const ets: Forecaster = {
  name: NAME,
  minLength: () => MIN_POINTS,
  fit: (series: ForecastInput) => fitEts(series.values, series.periods),
};
