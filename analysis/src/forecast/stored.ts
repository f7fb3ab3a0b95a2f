/** A fitted forecast of one series' history as the forecasts table stores it (the job) and GET /predictions answers it. */
import { clampIntoDomain, valueDomainOf, type SeriesForecast } from '@hydra/analytics';
import type { StoredForecast } from '@hydra/storage';
import type { SeriesHistory } from './history.ts';
import { baselineMaseOf } from './runner.ts';

/** The candidates the automatic choice could not use, with the reason each was skipped. */
export function skippedCandidates(result: SeriesForecast): Array<{ model: string; reason: string }> {
  return result.scores.flatMap((s) => (s.error === undefined ? [] : [{ model: s.model, reason: s.error }]));
}

/**
 * The forecast of `history` fitted as `result`, at the single `level` it was asked for. The mean and its interval
 * stay in the range the metric's values can take (as the anomaly bands do): a utilization's forecast never runs past
 * 100 %, a size's or a counter rate's interval never below 0.
 */
export function toStoredForecast(
  history: SeriesHistory,
  result: SeriesForecast,
  at: { monitor: string; createdAt: number; level: number },
): StoredForecast {
  const domain = valueDomainOf(history.series);
  const within = (xs: number[]) => (domain ? xs.map((x) => clampIntoDomain(x, domain)) : xs);
  const f = result.forecast;
  return {
    monitor: at.monitor,
    seriesId: history.series.id,
    createdAt: at.createdAt,
    model: result.model,
    description: result.description,
    holdoutMase: result.holdoutMase,
    baselineMase: baselineMaseOf(result),
    fallback: result.fallback ?? null,
    skipped: skippedCandidates(result),
    level: at.level,
    stepMs: history.stepMs,
    firstTime: history.lastTime + history.stepMs,
    lastObservedTime: history.lastTime,
    lastValue: history.lastValue,
    historyPoints: history.values.length,
    periods: history.periods,
    mean: within(f.mean),
    lower: within(f.lower[0] ?? f.mean),
    upper: within(f.upper[0] ?? f.mean),
  };
}
