export type { ForecastInput, ForecastResult, FittedModel, Forecaster } from './types.ts';
export { ForecastError } from './types.ts';
export { seasonalNaive, fitSeasonalNaive, baselinePeriod } from './seasonal-naive.ts';
export { holtWinters, fitHoltWinters, holtWintersWithParams } from './holt-winters.ts';
export type { HoltWintersParams } from './holt-winters.ts';
export { linearTrend, fitTheilSen } from './theil-sen.ts';
export { mstl, fitMstl } from './mstl.ts';
export { arima, fitArima } from './arima.ts';
export { prophet, fitProphet } from './prophet.ts';
export { FORECASTERS, DEFAULT_CANDIDATES, forecasterByName } from './registry.ts';
export {
  forecastSeries,
  selectByHoldout,
  DEFAULT_BUDGET_MS,
  DEFAULT_ORIGINS,
  DEFAULT_PREFERRED_MODEL,
  DEFAULT_PREFERENCE_MARGIN,
} from './auto.ts';
export type { ForecastOptions, SeriesForecast, CandidateScore } from './auto.ts';
export { combineModels, averageForecasts, combinationName } from './combination.ts';
export { checkForecast, EXPLOSION_FACTOR } from './guards.ts';
export type { GuardReason } from './guards.ts';
export { smape, mase, naiveScale } from './accuracy.ts';
export { regularize, MAX_GRID_POINTS, MAX_FILLED_FRACTION } from './regular-grid.ts';
export type { RegularSeries } from './regular-grid.ts';
export { timeToThreshold, DEFAULT_MAX_MASE } from './threshold.ts';
export type { ThresholdOptions, ThresholdResult, Crossing } from './threshold.ts';
export { normalQuantile, intervalMultiplier } from './normal.ts';
