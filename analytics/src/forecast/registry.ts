/** The forecasters by name, and the candidates the automatic choice tries by default. */
import type { Forecaster } from './types.ts';
import { seasonalNaive } from './seasonal-naive.ts';
import { holtWinters } from './holt-winters.ts';
import { linearTrend } from './theil-sen.ts';
import { mstl } from './mstl.ts';
import { autoArima } from './auto-arima.ts';
import { ets } from './ets.ts';
import { theta, optimisedTheta, dynamicTheta } from './theta.ts';
import { naive2 } from './naive2.ts';
import { ensemble } from './ensemble.ts';
import { prophet } from './prophet.ts';

/** Every forecaster, keyed by the name `--model` accepts. */
export const FORECASTERS: Readonly<Record<string, Forecaster>> = Object.freeze({
  [seasonalNaive.name]: seasonalNaive,
  [holtWinters.name]: holtWinters,
  [linearTrend.name]: linearTrend,
  [mstl.name]: mstl,
  [autoArima.name]: autoArima,
  [ets.name]: ets,
  [theta.name]: theta,
  [optimisedTheta.name]: optimisedTheta,
  [dynamicTheta.name]: dynamicTheta,
  [ensemble.name]: ensemble,
  [naive2.name]: naive2,
  [prophet.name]: prophet,
});

/**
 * Candidates of the automatic choice: the seasonal-naive baseline, automatic ETS, automatic ARIMA, the
 * optimised Theta method and their combination on seasonally adjusted data. MSTL (augurs) is left out: on
 * the real and synthetic hourly benchmarks the choice was as accurate without it (ratio to seasonal naive
 * 0.968 vs 0.969 on the real series) at 27 % less CPU. Prophet is left out too: ~130 ms a fit, and barely
 * better than seasonal naive on the benchmark. Both can be named explicitly.
 */
export const DEFAULT_CANDIDATES: readonly Forecaster[] = [seasonalNaive, ets, autoArima, optimisedTheta, ensemble];

/** Looks a forecaster up by name; the error lists the valid names. */
export function forecasterByName(name: string): Forecaster {
  const f = FORECASTERS[name];
  if (!f)
    throw new RangeError(`unknown model '${name}': expected one of ${Object.keys(FORECASTERS).join(', ')}, or auto`);
  return f;
}
