/**
 * (S)ARIMA through the npm `arima` package (an Emscripten build of the C library ctsa, MIT).
 * With a usable season m (at least three cycles and m ≤ `MAX_SEASONAL_PERIOD`) it fits the
 * SARIMA(0,1,1)(0,1,1)_m, Box & Jenkins' "airline" model (regular and seasonal differencing, one MA term
 * each), by ctsa's maximum likelihood; otherwise it
 * searches non-seasonal orders with ctsa's auto.arima (p,q ≤ 3, d ≤ 2, stepwise, approximate).
 * Longer seasons (5-minute data with a 288-step day) are out of reach of this likelihood code in a
 * per-series time budget, so they fall back to the non-seasonal search; MSTL covers them instead.
 * ctsa returns the forecast mean squared error per step; intervals are Gaussian with sd = √MSE.
 * Why fixed orders: with an AR term, ctsa's seasonal estimates were explosive on some windows of plain
 * daily-cycle series (forecasts of 1e79 seen with (1,0,1)(0,1,1)_24), while the airline model stayed stable;
 * the guards catch what still goes wrong.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FittedModel, Forecaster, ForecastResult, ForecastInput } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';
import { wasmFinalizer } from './augurs-wasm.ts';

const NAME = 'arima';
const MIN_POINTS = 10;
/** Longest season fitted seasonally; beyond it the state space becomes too slow per series. */
export const MAX_SEASONAL_PERIOD = 48;
const MIN_SEASONAL_CYCLES = 3;
/**
 * Seasonal fits use at most this many of the latest cycles: ctsa's likelihood cost grows with n, and
 * the airline model's two MA terms adapt within a few cycles, so older history adds time, not accuracy.
 */
const MAX_SEASONAL_CYCLES = 12;
/** Non-seasonal searches use at most this many of the latest points, for the same reason. */
const MAX_NON_SEASONAL_POINTS = 400;

interface ArimaInstance {
  train(ts: number[]): ArimaInstance;
  predict(length: number): [number[], number[]];
  destroy(): void;
}
type ArimaConstructor = new (options: Record<string, number | boolean>) => ArimaInstance;

const require = createRequire(import.meta.url);
let ArimaClass: ArimaConstructor | undefined;
/** Last diagnostic ctsa printed (e.g. "non-stationary AR part"), attached to the next error. */
let lastDiagnostic = '';

/**
 * Loads the Emscripten module the way the package's `index.js` does, but with `print`/`printErr`
 * captured: ctsa prints optimiser diagnostics with printf, which would otherwise land on stdout.
 */
function loadArima(): ArimaConstructor {
  if (ArimaClass) return ArimaClass;
  const dir = dirname(require.resolve('arima'));
  const createModule = require(join(dir, 'wasm/native-sync.js')) as (options: object) => unknown;
  const wasmBinary = require(join(dir, 'wrapper/native.bin.js')) as unknown;
  const bind = require(join(dir, 'load.js')) as (module: unknown) => ArimaConstructor;
  const capture = (text: string): void => {
    lastDiagnostic = text.trim();
  };
  ArimaClass = bind(createModule({ wasmBinary, print: capture, printErr: capture }));
  return ArimaClass;
}

/** True when `period` is short enough and has enough cycles in `n` points for the seasonal model. */
function seasonalPeriodFits(period: number, n: number): boolean {
  return period > 1 && period <= MAX_SEASONAL_PERIOD && n >= MIN_SEASONAL_CYCLES * period;
}

/** Fits SARIMA(0,1,1)(0,1,1)_m for a usable `period`, else a non-seasonal auto ARIMA. */
export function fitArima(values: readonly number[], period: number): FittedModel {
  const n = values.length;
  if (n < MIN_POINTS) throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${n}`);
  const seasonal = seasonalPeriodFits(period, n);
  const options: Record<string, number | boolean> = seasonal
    ? { p: 0, d: 1, q: 1, P: 0, D: 1, Q: 1, s: period, verbose: false }
    : { auto: true, p: 3, d: 2, q: 3, P: 0, D: 0, Q: 0, verbose: false };
  const Arima = loadArima();
  const window = values.slice(-(seasonal ? MAX_SEASONAL_CYCLES * period : MAX_NON_SEASONAL_POINTS));
  lastDiagnostic = '';
  let model: ArimaInstance;
  try {
    model = new Arima(options).train(window);
  } catch (err) {
    throw new ForecastError(NAME, `ctsa failed to fit: ${err instanceof Error ? err.message : String(err)}`);
  }
  const fitDiagnostic = lastDiagnostic;
  const description = `${seasonal ? `SARIMA(0,1,1)(0,1,1)_${period} (airline)` : 'auto ARIMA (non-seasonal)'} on the last ${window.length} points`;
  const fitted: FittedModel = {
    model: NAME,
    description,
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      const [mean, mse] = model.predict(h);
      if (mean.length !== h) throw new ForecastError(NAME, `ctsa returned ${mean.length} steps for horizon ${h}`);
      if (!mean.every(Number.isFinite)) {
        throw new ForecastError(NAME, `non-finite forecast${fitDiagnostic ? ` (ctsa: ${fitDiagnostic})` : ''}`);
      }
      return gaussianIntervals(
        [...mean],
        mse.map((v) => Math.sqrt(Math.max(0, v))),
        levels,
      );
    },
  };
  wasmFinalizer.register(fitted, { free: () => model.destroy() });
  return fitted;
}

/** The (S)ARIMA forecaster on the shortest detected season (see the module comment). */
export const arima: Forecaster = {
  name: NAME,
  minLength: () => MIN_POINTS,
  // The non-seasonal order search costs ~150 ms a fit and rarely beats ETS there, and a model of the
  // daily cycle alone misses a detected weekly one (2-3× worse than seasonal naive on such benchmark
  // series), so the automatic choice tries ARIMA only where the airline model covers every season.
  autoEligible: (series) =>
    series.periods.length > 0 &&
    series.periods.every((p) => seasonalPeriodFits(p, series.values.length) || series.values.length < 2 * p),
  fit: (series: ForecastInput) => fitArima(series.values, series.periods[0] ?? 1),
};
