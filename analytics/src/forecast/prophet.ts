/**
 * Prophet (Taylor & Letham, 2018) through `@bsull/augurs` with Prophet's Stan model compiled to
 * WebAssembly (`@bsull/augurs-prophet-wasmstan`) as the MAP optimizer: piecewise-linear trend with
 * automatic changepoints plus Fourier seasonalities. Prophet's calendar seasonalities are turned off
 * and each detected period is added explicitly (period in days from the sampling interval; one step
 * = one day when the interval is unknown), so it works on step-indexed data too.
 * Intervals: Prophet simulates one interval width per fit; we fit at `BASE_INTERVAL_WIDTH` and convert
 * its half-width to other levels under a normal approximation, sd = (upper − lower)/(2·z).
 */
import * as augursProphet from '@bsull/augurs/prophet';
import { optimizer } from '@bsull/augurs-prophet-wasmstan';
import type { FittedModel, Forecaster, ForecastResult, ForecastInput } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon, gaussianIntervals } from './intervals.ts';
import { intervalMultiplier } from './normal.ts';
import { initAugursModule, wasmFinalizer } from './augurs-wasm.ts';

const NAME = 'prophet';
const MIN_POINTS = 10;
const BASE_INTERVAL_WIDTH = 0.8;
const UNCERTAINTY_SAMPLES = 200;
const MAX_FOURIER_ORDER = 10;
const SECONDS_PER_DAY = 86_400;
/** Epoch second of step 0 for step-indexed input: only differences matter to Prophet. */
const STEP_EPOCH = 1_700_000_000;
const SEASONALITY_OFF: augursProphet.ProphetSeasonalityOption = { type: 'manual', enabled: false };

/** Fits Prophet with one Fourier seasonality per usable period. */
export function fitProphet(series: ForecastInput): FittedModel {
  const { values } = series;
  const n = values.length;
  if (n < MIN_POINTS) throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${n}`);
  const interval = series.intervalSeconds ?? SECONDS_PER_DAY;
  const usable = series.periods.filter((p) => p > 1 && n >= 2 * p);
  initAugursModule('prophet', augursProphet);
  let inner: augursProphet.Prophet;
  try {
    inner = new augursProphet.Prophet({
      optimizer,
      intervalWidth: BASE_INTERVAL_WIDTH,
      uncertaintySamples: UNCERTAINTY_SAMPLES,
      dailySeasonality: SEASONALITY_OFF,
      weeklySeasonality: SEASONALITY_OFF,
      yearlySeasonality: SEASONALITY_OFF,
    });
    for (const p of usable) {
      inner.addSeasonality(`p${p}`, {
        period: (p * interval) / SECONDS_PER_DAY,
        fourierOrder: Math.min(MAX_FOURIER_ORDER, Math.floor(p / 2)),
      });
    }
    inner.fit({ ds: values.map((_, i) => STEP_EPOCH + i * interval), y: [...values] });
  } catch (err) {
    throw new ForecastError(NAME, `augurs Prophet failed to fit: ${String(err instanceof Error ? err.message : err)}`);
  }
  const zBase = intervalMultiplier(BASE_INTERVAL_WIDTH);
  const model: FittedModel = {
    model: NAME,
    description: `Prophet seasonalities=[${usable.join(',')}] steps`,
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      const ds = Array.from({ length: h }, (_, i) => STEP_EPOCH + (n + i) * interval);
      const out = inner.predict({ ds });
      const { point, intervals } = out.yhat;
      if (!intervals) throw new ForecastError(NAME, 'augurs Prophet returned no interval');
      const { lower, upper } = intervals;
      const sd = point.map((_, i) => ((upper[i] as number) - (lower[i] as number)) / (2 * zBase));
      return gaussianIntervals([...point], sd, levels);
    },
  };
  wasmFinalizer.register(model, inner);
  return model;
}

/** The Prophet forecaster (see the module comment). */
export const prophet: Forecaster = { name: NAME, minLength: () => MIN_POINTS, fit: fitProphet };
