/**
 * Multi-seasonal decomposition with an ETS trend: MSTL (Bandara, Hyndman & Bergmeir, 2021) from
 * `@bsull/augurs`. The series is decomposed by iterated STL into one seasonal component per period
 * (e.g. daily and weekly) plus trend and remainder; the seasonally adjusted series is forecast by
 * AutoETS and the last cycle of each seasonal component is added back. With no usable period (fewer
 * than two cycles of every one) it is AutoETS alone on the raw series. Intervals come from the ETS
 * model (one augurs call per level). Throws `ForecastError` when augurs rejects the series.
 */
import * as augursMstl from '@bsull/augurs/mstl';
import * as augursEts from '@bsull/augurs/ets';
import type { FittedModel, Forecaster, ForecastResult, ForecastInput } from './types.ts';
import { ForecastError } from './types.ts';
import { checkHorizon } from './intervals.ts';
import { initAugursModule, wasmFinalizer } from './augurs-wasm.ts';

const NAME = 'mstl';
const MIN_POINTS = 6;

interface AugursModel {
  free(): void;
  predict(horizon: number, level?: number | null): augursMstl.Forecast;
}

function wrap(inner: AugursModel, description: string): FittedModel {
  const model: FittedModel = {
    model: NAME,
    description,
    predict(h: number, levels: readonly number[]): ForecastResult {
      checkHorizon(NAME, h);
      const result: ForecastResult = { mean: [], levels: [...levels], lower: [], upper: [] };
      if (levels.length === 0) result.mean = inner.predict(h, null).point;
      for (const level of levels) {
        const f = inner.predict(h, level);
        if (!f.intervals) throw new ForecastError(NAME, `augurs returned no interval at level ${level}`);
        result.mean = f.point;
        result.lower.push(f.intervals.lower);
        result.upper.push(f.intervals.upper);
      }
      return result;
    },
  };
  wasmFinalizer.register(model, inner);
  return model;
}

/** Fits MSTL+AutoETS on the periods that have at least two full cycles in `values`. */
export function fitMstl(values: readonly number[], periods: readonly number[]): FittedModel {
  if (values.length < MIN_POINTS)
    throw new ForecastError(NAME, `needs at least ${MIN_POINTS} points, got ${values.length}`);
  const usable = periods.filter((p) => p > 1 && values.length >= 2 * p);
  try {
    if (usable.length === 0) {
      initAugursModule('ets', augursEts);
      const ets = new augursEts.AutoETS(1, 'ZZN');
      ets.fit(Float64Array.from(values));
      return wrap(ets, 'AutoETS (non-seasonal)');
    }
    initAugursModule('mstl', augursMstl);
    const mstl = augursMstl.MSTL.ets(Uint32Array.from(usable));
    mstl.fit(Float64Array.from(values));
    return wrap(mstl, `MSTL periods=[${usable.join(',')}] + AutoETS trend`);
  } catch (err) {
    if (err instanceof ForecastError) throw err;
    throw new ForecastError(NAME, `augurs failed to fit: ${String(err instanceof Error ? err.message : err)}`);
  }
}

/** The MSTL + ETS forecaster (see the module comment). */
export const mstl: Forecaster = {
  name: NAME,
  minLength: () => MIN_POINTS,
  fit: (series: ForecastInput) => fitMstl(series.values, series.periods),
};
