/**
 * Seasonal ARIMA with automatic order selection: the stepwise procedure of Hyndman & Khandakar,
 * "Automatic time series forecasting: the forecast package for R", JSS 27(3), 2008, §3.2 (`auto.arima`).
 *
 * 1. Seasonal differencing D ∈ {0, 1}: D = 1 when the seasonal strength of a classical decomposition,
 *    max(0, 1 − Var(R)/Var(S + R)), is at least 0.64 (R's default `seasonal.test = "seas"`).
 * 2. Differencing d ∈ {0, 1, 2}: repeated KPSS tests at the 5 % level (statistic > 0.463), lag
 *    truncation ⌊3√n/13⌋ (R's `tseries::kpss.test`, "short").
 * 3. Stepwise search over p, q ≤ `MAX_P`, P, Q ≤ `MAX_SEASONAL_P` and the constant (allowed when d + D ≤ 1):
 *    the four starting models (2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0), (0,d,1)(0,D,1), then moves of
 *    ±1 in one or two orders or toggling the constant while the AICc improves, at most `MAX_MODELS` fits
 *    (a count, so the result never depends on the machine's speed).
 * Estimation is conditional sum of squares (R's `method = "CSS"`; the exact likelihood is what makes
 * ctsa take seconds a fit); AR and MA polynomials are parameterised through partial autocorrelations
 * (tanh, Durbin–Levinson; R's `transform.pars`), so every fit is stationary and invertible.
 * Forecasts: the ARMA recursion on the differenced series, integrated back; intervals from the ψ-weights
 * of the full (differenced) model, Var(h) = σ²Σ_{j<h}ψ_j² (Box & Jenkins).
 *
 * Seasons: the seasonal part models the shortest period m when m ≤ `MAX_SEASONAL_PERIOD` and the series
 * has `MIN_SEASONAL_CYCLES`·m points (the minimum-length rule: with fewer, the season is removed by
 * decomposition when there are two cycles, else ignored); longer periods (168 for hourly data) are removed
 * first, and positive series are fitted on the log scale (Box–Cox λ = 0; `fitKeepingShortestSeason`).
 * Measured against the raw scale with every season removed when there were two: ratio to seasonal naive
 * 0.942 → 0.925 on the real hourly benchmark, 0.487 → 0.476 on synthetic hourly. With only longer periods
 * every season is removed (`adjustSeasonality`) and a non-seasonal ARIMA is fitted to the adjusted
 * series, so any period is handled; the description says which.
 * Fits use at most the last `MAX_POINTS` points. Written by hand: ctsa's (npm `arima`) seasonal
 * auto.arima takes 6–20 s a series and crashed on period 168. Throws `ForecastError` with fewer than
 * `MIN_POINTS` points.
 */
import type { FittedModel, Forecaster, ForecastInput, ForecastResult } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';
import { nelderMead } from './nelder-mead.ts';
import { adjustSeasonality, adjustedModel, fitKeepingShortestSeason } from './deseasonalize.ts';
import { classicalSeasonalIndices } from '../seasonality/classical.ts';

const NAME = 'arima';
export const MIN_POINTS = 10;
export const MAX_SEASONAL_PERIOD = 24;
export const MIN_SEASONAL_CYCLES = 3;
const MAX_POINTS = 336;
const MAX_P = 3;
const MAX_SEASONAL_P = 1;
const MAX_D = 2;
const MAX_MODELS = 16;
const MAX_EVALUATIONS = 100;
const KPSS_CRITICAL_5 = 0.463;
const SEASONAL_STRENGTH_THRESHOLD = 0.64;

export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  m: number;
  constant: boolean;
}

/** Seasonal / regular differencing. */
function difference(x: readonly number[], lag: number): number[] {
  const out: number[] = [];
  for (let t = lag; t < x.length; t++) out.push((x[t] as number) - (x[t - lag] as number));
  return out;
}

/** KPSS level-stationarity statistic with R's short lag truncation. */
export function kpssStatistic(x: readonly number[]): number {
  const n = x.length;
  const mu = x.reduce((a, b) => a + b, 0) / n;
  const e = x.map((v) => v - mu);
  let s = 0;
  let eta = 0;
  for (const v of e) {
    s += v;
    eta += s * s;
  }
  eta /= n * n;
  const lags = Math.trunc((3 * Math.sqrt(n)) / 13);
  let lrv = e.reduce((a, v) => a + v * v, 0) / n;
  for (let l = 1; l <= lags; l++) {
    let c = 0;
    for (let t = l; t < n; t++) c += (e[t] as number) * (e[t - l] as number);
    lrv += (2 * (1 - l / (lags + 1)) * c) / n;
  }
  return lrv > 0 ? eta / lrv : 0;
}

/** Seasonal strength of a classical additive decomposition (Wang, Smith & Hyndman, 2006). */
export function seasonalStrength(x: readonly number[], m: number): number {
  const n = x.length;
  if (n < 2 * m) return 0;
  const idx = classicalSeasonalIndices(x, m, 'additive');
  const half = Math.floor(m / 2);
  const rem: number[] = [];
  const sr: number[] = [];
  for (let t = half; t + half < n; t++) {
    let trend = 0;
    if (m % 2 === 0) {
      for (let k = -half + 1; k < half; k++) trend += x[t + k] as number;
      trend += 0.5 * ((x[t - half] as number) + (x[t + half] as number));
    } else {
      for (let k = -half; k <= half; k++) trend += x[t + k] as number;
    }
    trend /= m;
    const s = idx[t % m] as number;
    rem.push((x[t] as number) - trend - s);
    sr.push((x[t] as number) - trend);
  }
  const variance = (v: number[]): number => {
    const mu = v.reduce((a, b) => a + b, 0) / v.length;
    return v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length;
  };
  const total = variance(sr);
  return total > 0 ? Math.max(0, 1 - variance(rem) / total) : 0;
}

/** Maps unconstrained values to the coefficients of a stationary AR polynomial (tanh → Durbin–Levinson). */
function toStationary(raw: readonly number[]): number[] {
  const p = raw.length;
  const a: number[] = [];
  for (let k = 0; k < p; k++) {
    const r = Math.tanh(raw[k] as number);
    const prev = [...a];
    for (let j = 0; j < k; j++) a[j] = (prev[j] as number) - r * (prev[k - 1 - j] as number);
    a[k] = r;
  }
  return a;
}

/** Dense coefficients c of (1 − Σ a_i B^i)(1 − Σ A_i B^{im}) as c[0] = 1, c[k] = −(combined a_k). */
function multiplySeasonal(a: readonly number[], A: readonly number[], m: number, sign: 1 | -1): number[] {
  // Polynomials written as 1 + sign·Σ coef·B^lag.
  const left = [1, ...a.map((v) => sign * v)];
  const right = new Array<number>(A.length * m + 1).fill(0);
  right[0] = 1;
  A.forEach((v, i) => {
    right[(i + 1) * m] = sign * v;
  });
  const out = new Array<number>(left.length + right.length - 1).fill(0);
  left.forEach((l, i) =>
    right.forEach((r, j) => {
      out[i + j] = (out[i + j] as number) + l * r;
    }),
  );
  return out;
}

function multiply(x: readonly number[], y: readonly number[]): number[] {
  const out = new Array<number>(x.length + y.length - 1).fill(0);
  x.forEach((a, i) =>
    y.forEach((b, j) => {
      out[i + j] = (out[i + j] as number) + a * b;
    }),
  );
  return out;
}

interface Sparse {
  lags: number[];
  coefs: number[];
}

function sparse(poly: readonly number[]): Sparse {
  const lags: number[] = [];
  const coefs: number[] = [];
  for (let k = 1; k < poly.length; k++) {
    if ((poly[k] as number) !== 0) {
      lags.push(k);
      coefs.push(poly[k] as number);
    }
  }
  return { lags, coefs };
}

interface ArmaParams {
  /** AR polynomial 1 − Σ… as dense coefficients (c[0] = 1). */
  ar: number[];
  /** MA polynomial 1 + Σ… as dense coefficients (c[0] = 1). */
  ma: number[];
  mean: number;
}

function decode(x: readonly number[], o: ArimaOrder, meanScale: number): ArmaParams {
  let i = 0;
  const take = (k: number): number[] => {
    const out = x.slice(i, i + k);
    i += k;
    return out;
  };
  const phi = toStationary(take(o.p));
  const theta = toStationary(take(o.q)); // invertible: θ(B) = 1 + Σθ_j B^j with −θ stationary
  const Phi = toStationary(take(o.P));
  const Theta = toStationary(take(o.Q));
  const mean = o.constant ? meanScale * (x[i] as number) : 0;
  return {
    ar: multiplySeasonal(phi, Phi, o.m, -1),
    ma: multiplySeasonal(
      theta.map((v) => -v),
      Theta.map((v) => -v),
      o.m,
      1,
    ),
    mean,
  };
}

/** Conditional sum of squares of the ARMA model on the differenced series `w`; residuals in `e`. */
function css(w: readonly number[], params: ArmaParams, e: Float64Array): { sse: number; count: number } {
  const ar = sparse(params.ar);
  const ma = sparse(params.ma);
  const start = params.ar.length - 1;
  let sse = 0;
  let count = 0;
  e.fill(0);
  for (let t = start; t < w.length; t++) {
    let v = (w[t] as number) - params.mean;
    for (let k = 0; k < ar.lags.length; k++)
      v += (ar.coefs[k] as number) * ((w[t - (ar.lags[k] as number)] as number) - params.mean);
    for (let k = 0; k < ma.lags.length; k++) {
      const lag = ma.lags[k] as number;
      if (t - lag >= 0) v -= (ma.coefs[k] as number) * (e[t - lag] as number);
    }
    e[t] = v;
    sse += v * v;
    count++;
  }
  return { sse, count };
}

interface ArimaFit {
  order: ArimaOrder;
  params: ArmaParams;
  sigma2: number;
  aicc: number;
  residuals: Float64Array;
}

function fitOrder(w: readonly number[], order: ArimaOrder): ArimaFit | undefined {
  const dim = order.p + order.q + order.P + order.Q + (order.constant ? 1 : 0);
  const meanW = w.reduce((a, b) => a + b, 0) / w.length;
  const sd = Math.sqrt(w.reduce((a, b) => a + (b - meanW) ** 2, 0) / w.length) || 1;
  const e = new Float64Array(w.length);
  const objective = (x: number[]): number => {
    const { sse, count } = css(w, decode(x, order, sd), e);
    return count > 0 ? sse : Number.POSITIVE_INFINITY;
  };
  const start = new Array<number>(dim).fill(0.1);
  if (order.constant) start[dim - 1] = meanW / sd;
  const x =
    dim === 0 ? [] : nelderMead(objective, start, { maxEvaluations: MAX_EVALUATIONS + 25 * dim, tolerance: 1e-8 }).x;
  const params = decode(x, order, sd);
  const { sse, count } = css(w, params, e);
  if (!(count > dim + 2) || !Number.isFinite(sse)) return undefined;
  const sigma2 = sse / count;
  const k = dim + 1;
  const deviance = count * Math.log(Math.max(sigma2, Number.MIN_VALUE));
  const aicc = deviance + 2 * k + (2 * k * (k + 1)) / Math.max(1, count - k - 1);
  return { order, params, sigma2, aicc, residuals: e };
}

const key = (o: ArimaOrder): string => `${o.p},${o.q},${o.P},${o.Q},${o.constant}`;

/** Stepwise search (see the module comment); returns the best fit by AICc. */
function stepwise(w: readonly number[], base: Omit<ArimaOrder, 'p' | 'q' | 'P' | 'Q' | 'constant'>): ArimaFit {
  const seasonal = base.m > 1;
  const constantAllowed = base.d + base.D <= 1;
  const tried = new Map<string, ArimaFit | undefined>();
  let fits = 0;
  const attempt = (p: number, q: number, P: number, Q: number, constant: boolean): ArimaFit | undefined => {
    const order: ArimaOrder = { ...base, p, q, P: seasonal ? P : 0, Q: seasonal ? Q : 0, constant };
    if (p < 0 || q < 0 || order.P < 0 || order.Q < 0 || p > MAX_P || q > MAX_P) return undefined;
    if (order.P > MAX_SEASONAL_P || order.Q > MAX_SEASONAL_P) return undefined;
    if (constant && !constantAllowed) return undefined;
    const k = key(order);
    if (tried.has(k)) return tried.get(k);
    if (fits >= MAX_MODELS) return undefined;
    fits++;
    const fit = fitOrder(w, order);
    tried.set(k, fit);
    return fit;
  };
  let best: ArimaFit | undefined;
  const consider = (fit: ArimaFit | undefined): boolean => {
    if (fit && (!best || fit.aicc < best.aicc - 1e-9)) {
      best = fit;
      return true;
    }
    return false;
  };
  const c = constantAllowed;
  consider(attempt(2, 2, 1, 1, c));
  consider(attempt(0, 0, 0, 0, c));
  consider(attempt(1, 0, 1, 0, c));
  consider(attempt(0, 1, 0, 1, c));
  if (constantAllowed) consider(attempt(0, 0, 0, 0, false));
  let improved = true;
  while (improved && best && fits < MAX_MODELS) {
    improved = false;
    const o: ArimaOrder = best.order;
    const moves: [number, number, number, number, boolean][] = [
      [o.p, o.q, o.P - 1, o.Q, o.constant],
      [o.p, o.q, o.P + 1, o.Q, o.constant],
      [o.p, o.q, o.P, o.Q - 1, o.constant],
      [o.p, o.q, o.P, o.Q + 1, o.constant],
      [o.p, o.q, o.P - 1, o.Q - 1, o.constant],
      [o.p, o.q, o.P + 1, o.Q + 1, o.constant],
      [o.p - 1, o.q, o.P, o.Q, o.constant],
      [o.p + 1, o.q, o.P, o.Q, o.constant],
      [o.p, o.q - 1, o.P, o.Q, o.constant],
      [o.p, o.q + 1, o.P, o.Q, o.constant],
      [o.p - 1, o.q - 1, o.P, o.Q, o.constant],
      [o.p + 1, o.q + 1, o.P, o.Q, o.constant],
      [o.p, o.q, o.P, o.Q, !o.constant],
    ];
    for (const [p, q, P, Q, constant] of moves) {
      if (consider(attempt(p, q, P, Q, constant))) {
        improved = true;
        break;
      }
    }
  }
  if (!best) throw new ForecastError(NAME, 'no ARIMA order could be fitted');
  return best;
}

function describeOrder(o: ArimaOrder): string {
  const seasonal = o.m > 1 ? `(${o.P},${o.D},${o.Q})[${o.m}]` : '';
  const constant = o.constant ? (o.d + o.D === 0 ? ' with mean' : ' with drift') : '';
  return `ARIMA(${o.p},${o.d},${o.q})${seasonal}${constant}`;
}

/** Fits auto ARIMA on `y` with seasonal period `m` (1: none), no decomposition. */
export function fitAutoArimaSeries(values: readonly number[], m: number): FittedModel {
  if (values.length < MIN_POINTS)
    throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${values.length}`);
  const y = values.slice(-MAX_POINTS);
  const n = y.length;
  const seasonal = m > 1 && n >= MIN_SEASONAL_CYCLES * m;
  const period = seasonal ? m : 1;
  const D = seasonal && seasonalStrength(y, period) >= SEASONAL_STRENGTH_THRESHOLD ? 1 : 0;
  const levels: number[][] = [y];
  let x = D ? difference(y, period) : y;
  if (D) levels.push(x);
  let d = 0;
  while (d < MAX_D && x.length > MIN_POINTS && kpssStatistic(x) > KPSS_CRITICAL_5) {
    x = difference(x, 1);
    levels.push(x);
    d++;
  }
  if (x.length < MIN_POINTS) throw new ForecastError(NAME, `too few points after differencing (${x.length})`);
  const fit = stepwise(x, { d, D, m: period });
  const w = x;
  const { ar, ma, mean } = fit.params;
  // Full AR polynomial including the differencing, for the ψ-weights.
  let full = ar;
  for (let i = 0; i < d; i++) full = multiply(full, [1, -1]);
  if (D) {
    const seasonalDiff = new Array<number>(period + 1).fill(0);
    seasonalDiff[0] = 1;
    seasonalDiff[period] = -1;
    full = multiply(full, seasonalDiff);
  }
  const residuals = fit.residuals;
  const description = `${describeOrder(fit.order)} on the last ${n} points, AICc=${fit.aicc.toFixed(1)}`;
  return {
    model: NAME,
    description,
    predict(h: number, levelsWanted: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      // ARMA forecast of the differenced series.
      const wx = [...w];
      const e = Array.from(residuals);
      for (let j = 0; j < h; j++) {
        const t = wx.length;
        let v = mean;
        for (let k = 1; k < ar.length; k++) v -= (ar[k] as number) * ((wx[t - k] ?? mean) - mean);
        for (let k = 1; k < ma.length; k++) v += (ma[k] as number) * (e[t - k] ?? 0);
        wx.push(v);
        e.push(0);
      }
      // Integrate back through each differencing level, innermost first.
      let future = wx.slice(w.length);
      for (let lvl = levels.length - 2; lvl >= 0; lvl--) {
        const below = levels[lvl] as number[];
        const lag = D && lvl === 0 ? period : 1;
        const ext = [...below];
        for (const dv of future) ext.push(dv + (ext[ext.length - lag] as number));
        future = ext.slice(below.length);
      }
      // ψ-weights of the full model.
      const psi = [1];
      for (let j = 1; j < h; j++) {
        let v = ma[j] ?? 0;
        for (let i = 1; i <= j && i < full.length; i++) v -= (full[i] as number) * (psi[j - i] as number);
        psi.push(v);
      }
      const sd: number[] = [];
      let acc = 0;
      for (let j = 0; j < h; j++) {
        acc += (psi[j] as number) ** 2;
        sd.push(Math.sqrt(fit.sigma2 * acc));
      }
      const mean2 = future.slice(0, h);
      if (!mean2.every(Number.isFinite)) throw new ForecastError(NAME, 'non-finite forecast');
      return gaussianIntervals(mean2, sd, levelsWanted);
    },
  };
}

/** Auto ARIMA for a series with `periods` (see the module comment on seasons). */
export function fitAutoArima(values: readonly number[], periods: readonly number[]): FittedModel {
  if (values.length < MIN_POINTS)
    throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${values.length}`);
  const n = Math.min(values.length, MAX_POINTS);
  const usable = periods.filter((p) => p > 1 && values.length >= 2 * p);
  if (usable.length === 0) return fitAutoArimaSeries(values, 1);
  const shortest = Math.min(...usable);
  if (shortest <= MAX_SEASONAL_PERIOD && n >= MIN_SEASONAL_CYCLES * shortest)
    return fitKeepingShortestSeason(NAME, values, usable, fitAutoArimaSeries);
  const adjustment = adjustSeasonality(values, usable);
  return adjustedModel(NAME, adjustment, fitAutoArimaSeries(adjustment.adjusted, 1));
}

/** Automatic (seasonal) ARIMA (see the module comment). */
export const autoArima: Forecaster = {
  name: NAME,
  minLength: () => MIN_POINTS,
  fit: (series: ForecastInput) => fitAutoArima(series.values, series.periods),
};
