/**
 * GET /predictions' work: for each selected series, the stored forecast when
 * it is fresh (made recently, at the requested level, covering the requested
 * horizon), else a forecast computed for the request — bounded by a ceiling on
 * the series to compute and a time budget, both answered with a 400 naming the
 * limit, and fitted on the caller's ForecastRunner (the worker pool the forecast
 * job uses) — then the points up to the horizon and time-to-threshold per threshold.
 */
import { readForecasts, type Database, type SeriesInfo, type StoredForecast } from '@hydra/storage';
import { Errors, type PredictionBody, type ThresholdAnswerBody } from '@hydra/contract';
import {
  chooseGrid,
  crossingOf,
  DEFAULT_INLINE_MAX_SERIES,
  formatDuration,
  readHistories,
  runInline,
  toStoredForecast,
  type ForecastOutcome,
  type ForecastRunner,
  type ForecastTask,
  type SeriesHistory,
  type ThresholdSpec,
} from '@hydra/analysis';

/** A stored forecast older than this is recomputed (the forecast job runs hourly by default). */
export const DEFAULT_FRESH_MS = 2 * 3_600_000;
/** History read for a forecast computed on request (two weekly cycles). */
export const DEFAULT_ON_DEMAND_LOOKBACK_MS = 14 * 86_400_000;
/** Most series one request may forecast on the spot (series with a fresh stored forecast do not count). */
export const DEFAULT_MAX_ON_DEMAND_SERIES = 10;
/** Wall-clock budget for all the forecasts one request computes. */
export const DEFAULT_ON_DEMAND_BUDGET_MS = 5_000;
/** Holdout MASE above which crossing estimates are suppressed. */
const MAX_MASE = 1;

export interface PredictionLimits {
  freshMs: number;
  maxOnDemandSeries: number;
  onDemandBudgetMs: number;
  /** requests computing more series than this fit them on the runner (the forecast job's threshold) */
  inlineMaxSeries: number;
}

export const DEFAULT_PREDICTION_LIMITS: PredictionLimits = Object.freeze({
  freshMs: DEFAULT_FRESH_MS,
  maxOnDemandSeries: DEFAULT_MAX_ON_DEMAND_SERIES,
  onDemandBudgetMs: DEFAULT_ON_DEMAND_BUDGET_MS,
  inlineMaxSeries: DEFAULT_INLINE_MAX_SERIES,
});

export interface PredictionRequest {
  series: readonly SeriesInfo[];
  monitor?: string;
  thresholds: readonly ThresholdSpec[];
  horizonMs: number;
  level: number;
  now: number;
}

/** Whether a stored forecast can answer the request: recent, at the requested level, made for at least the horizon. */
function isFresh(f: StoredForecast, r: PredictionRequest, limits: PredictionLimits): boolean {
  return (
    r.now - f.createdAt <= limits.freshMs &&
    Math.abs(f.level - r.level) < 1e-9 &&
    f.mean.length * f.stepMs >= r.horizonMs
  );
}

/**
 * The predictions of the request's series.
 * @throws ApiError query_too_large when more series need computing than allowed, or the time budget runs out
 */
export async function predict(
  db: Database,
  r: PredictionRequest,
  limits: PredictionLimits,
  /** where the fits run: the `hydra` command's worker pool, so they stay off the event loop; default this thread */
  runner: ForecastRunner = runInline,
): Promise<{ predictions: PredictionBody[]; unavailable: Array<{ series: SeriesInfo; reason: string }> }> {
  const stored = await readForecasts(db, {
    seriesIds: r.series.map((s) => s.id),
    ...(r.monitor ? { monitor: r.monitor } : {}),
  });
  const forecasts = new Map<number, { f: StoredForecast; source: 'stored' | 'computed' }>();
  const toCompute: SeriesInfo[] = [];
  for (const s of r.series) {
    const f = stored.get(s.id);
    if (f && isFresh(f, r, limits)) forecasts.set(s.id, { f, source: 'stored' });
    else toCompute.push(s);
  }
  if (toCompute.length > limits.maxOnDemandSeries) {
    throw Errors.queryTooLarge(
      `${toCompute.length} series have no fresh stored forecast, and at most ${limits.maxOnDemandSeries} can be forecast per request; narrow the selector (name, host, match), or ask for series a monitor forecasts`,
      { limit: 'maxOnDemandSeries', max: limits.maxOnDemandSeries, requested: toCompute.length },
    );
  }
  const unavailable: Array<{ series: SeriesInfo; reason: string }> = [];
  if (toCompute.length > 0) {
    const started = performance.now();
    const grid = chooseGrid(DEFAULT_ON_DEMAND_LOOKBACK_MS, r.horizonMs);
    const histories: SeriesHistory[] = [];
    for (const outcome of await readHistories(db, toCompute, grid, r.now)) {
      if ('history' in outcome) histories.push(outcome.history);
      else unavailable.push({ series: outcome.series, reason: outcome.skipped });
    }
    const tasks: ForecastTask[] = histories.map((h) => ({
      values: h.values,
      periods: h.periods,
      intervalSeconds: h.stepMs / 1000,
      horizon: grid.horizonSteps,
      levels: [r.level],
      model: 'auto',
    }));
    const budget = AbortSignal.timeout(Math.max(0, Math.ceil(limits.onDemandBudgetMs - (performance.now() - started))));
    const overBudget = () => {
      const elapsed = performance.now() - started;
      return Errors.queryTooLarge(
        `forecasting on request took more than the time budget of ${limits.onDemandBudgetMs} ms; narrow the selector or ask for a shorter horizon`,
        { limit: 'onDemandBudgetMs', max: limits.onDemandBudgetMs, elapsedMs: Math.round(elapsed) },
      );
    };
    let outcomes: ForecastOutcome[] = [];
    try {
      // The forecast job's policy: a few series fit here (the pool starts its workers per batch, about 2 s on a
      // loaded 2-core machine, more than a few fits take), more go to the runner.
      const run = tasks.length > limits.inlineMaxSeries ? runner : runInline;
      outcomes = tasks.length === 0 ? [] : await run(tasks, budget);
    } catch (err) {
      if (budget.aborted) throw overBudget();
      throw err;
    }
    if (performance.now() - started > limits.onDemandBudgetMs) throw overBudget();
    histories.forEach((h, i) => {
      const result = outcomes[i]?.result;
      if (!result) {
        unavailable.push({ series: h.series, reason: `forecast failed: ${outcomes[i]?.error ?? 'no result'}` });
        return;
      }
      forecasts.set(h.series.id, {
        source: 'computed',
        f: toStoredForecast(h, result, { monitor: '', createdAt: r.now, level: r.level }),
      });
    });
  }
  const predictions = r.series.flatMap((s): PredictionBody[] => {
    const entry = forecasts.get(s.id);
    return entry ? [toBody(s, entry.f, entry.source, r)] : [];
  });
  return { predictions, unavailable };
}

function toBody(
  series: SeriesInfo,
  f: StoredForecast,
  source: 'stored' | 'computed',
  r: PredictionRequest,
): PredictionBody {
  const end = r.now + r.horizonMs;
  const points: PredictionBody['points'] = [];
  for (let k = 0; k < f.mean.length; k++) {
    const time = f.firstTime + k * f.stepMs;
    if (time > end) break;
    points.push({ time, mean: f.mean[k] ?? null, lower: f.lower[k] ?? null, upper: f.upper[k] ?? null });
  }
  return {
    series,
    source,
    monitor: source === 'stored' ? f.monitor : null,
    createdAt: f.createdAt,
    model: f.model,
    description: f.description,
    fit: {
      holdoutMase: f.holdoutMase,
      baselineMase: f.baselineMase,
      fallback: f.fallback,
      skipped: f.skipped ?? [],
      historyPoints: f.historyPoints,
      periods: f.periods,
    },
    level: f.level,
    stepSeconds: f.stepMs / 1000,
    lastObserved: { time: f.lastObservedTime, value: f.lastValue },
    points,
    thresholds: r.thresholds.map((t) => thresholdAnswer(f, t, r.now, end)),
  };
}

/** Time-to-threshold for one threshold, with "not within horizon" explicit. */
export function thresholdAnswer(f: StoredForecast, t: ThresholdSpec, now: number, end: number): ThresholdAnswerBody {
  const c = crossingOf(f, t, MAX_MASE);
  const within = (at: number | null) =>
    at !== null && at <= end ? { at, inSeconds: Math.max(0, Math.round((at - now) / 1000)) } : null;
  const mean = within(c.mean);
  const early = within(c.early);
  const late = within(c.late);
  const verb = t.direction === 'above' ? 'reaches' : 'falls to';
  let message: string;
  let status: ThresholdAnswerBody['status'];
  if (c.suppressed) {
    status = 'suppressed';
    message = {
      'poor-fit': `no estimate: the model fits poorly (holdout MASE ${f.holdoutMase?.toFixed(2) ?? '?'} > ${MAX_MASE}, baseline ${f.baselineMase?.toFixed(2) ?? 'not measured'})`,
      // The model's error text stays in fit.fallback: this message is drawn on the chart.
      'fallback-model': `no estimate: seasonal-naive forecast, ${f.fallback?.from ?? 'the model'} could not be used (reason in fit.fallback)`,
      'already-crossed': `already ${t.direction} ${t.value} (last value ${f.lastValue ?? '?'})`,
    }[c.suppressed];
  } else if (early === null) {
    status = 'not_within_horizon';
    message = `not within the horizon (${formatDuration(end - now)}): ${t.value} is not ${verb === 'reaches' ? 'reached' : 'reached from above'} even by the ${Math.round(f.level * 100)}% band`;
  } else {
    status = 'within_horizon';
    const band = `band: ${formatDuration(early.at - now)} – ${late ? formatDuration(late.at - now) : 'beyond the horizon'}`;
    message = mean
      ? `${verb} ${t.value} in ${formatDuration(mean.at - now)} (${band})`
      : `may ${verb === 'reaches' ? 'reach' : 'fall to'} ${t.value}: the band edge crosses in ${formatDuration(early.at - now)}, the mean not within the horizon`;
  }
  return {
    threshold: t.value,
    direction: t.direction,
    status,
    suppressed: c.suppressed,
    mean,
    early,
    late,
    message,
  };
}
