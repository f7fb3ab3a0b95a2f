/**
 * The one forecasting contract: `fit(series)` returns a fitted model, and the
 * fitted model's `predict(h, levels)` returns the point forecast with one
 * prediction interval per requested level.
 */

/** A regular series: `values[i]` was observed at step `i`; no gaps (see `regularize`). */
export interface ForecastInput {
  values: readonly number[];
  /** Seasonal periods in steps, shortest first (e.g. `[24, 168]` for hourly data); may be empty. */
  periods: readonly number[];
  /** Sampling interval in seconds when known (time-stamped input); Prophet needs it for its calendar. */
  intervalSeconds?: number;
}

/** Point forecast and central prediction intervals, `lower[k]`/`upper[k]` at `levels[k]`. */
export interface ForecastResult {
  mean: number[];
  levels: number[];
  lower: number[][];
  upper: number[][];
}

/** A model after `fit`: it can forecast any horizon at any set of levels. */
export interface FittedModel {
  /** Name of the model as the registry knows it, e.g. `holt-winters`. */
  readonly model: string;
  /** Human-readable parameters of the fit (orders, smoothing weights, period), for reports and debugging. */
  readonly description: string;
  /** Forecast `h` steps past the end of the training data; `levels` are central coverages in (0, 1). */
  predict(h: number, levels: readonly number[]): ForecastResult;
}

/** A forecasting method; `fit` throws a `ForecastError` when the series cannot be fitted. */
export interface Forecaster {
  readonly name: string;
  /** Fewest points the method accepts for the given periods. */
  minLength(periods: readonly number[]): number;
  /**
   * Whether the automatic choice should try this method on `series` (default: yes). Lets a method opt
   * out where it is known to be too slow or unsuited, e.g. ARIMA without a season it can model.
   */
  autoEligible?(series: ForecastInput): boolean;
  fit(series: ForecastInput): FittedModel;
}

/** A model could not be fitted or could not forecast; `model` names which one and the message says why. */
export class ForecastError extends Error {
  constructor(
    readonly model: string,
    message: string,
  ) {
    super(`${model}: ${message}`);
    this.name = 'ForecastError';
  }
}
