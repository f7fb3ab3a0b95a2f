/** The forecasters by name, and the candidates the automatic choice tries by default. */
import type { Forecaster } from './types.ts';
import { seasonalNaive } from './seasonal-naive.ts';
import { holtWinters } from './holt-winters.ts';
import { linearTrend } from './theil-sen.ts';
import { mstl } from './mstl.ts';
import { arima } from './arima.ts';
import { prophet } from './prophet.ts';

/** Every forecaster, keyed by the name `--model` accepts. */
export const FORECASTERS: Readonly<Record<string, Forecaster>> = Object.freeze({
  [seasonalNaive.name]: seasonalNaive,
  [holtWinters.name]: holtWinters,
  [linearTrend.name]: linearTrend,
  [mstl.name]: mstl,
  [arima.name]: arima,
  [prophet.name]: prophet,
});

/**
 * Candidates of the automatic choice in the order they run, so that a spent time budget (on a loaded
 * machine) cuts the least valuable: the baseline, then MSTL (the strongest on average and the preferred
 * model), then the cheap Holt–Winters and linear trend (a few ms each), then ARIMA.
 * Prophet is left out by default: its fit costs ~130 ms per series (several times MSTL's) and on the
 * benchmark it was barely better than seasonal naive; pass it explicitly to include it.
 */
export const DEFAULT_CANDIDATES: readonly Forecaster[] = [seasonalNaive, mstl, holtWinters, linearTrend, arima];

/** Looks a forecaster up by name; the error lists the valid names. */
export function forecasterByName(name: string): Forecaster {
  const f = FORECASTERS[name];
  if (!f)
    throw new RangeError(`unknown model '${name}': expected one of ${Object.keys(FORECASTERS).join(', ')}, or auto`);
  return f;
}
