/**
 * Where forecasts are computed. The job and the API describe each series as a
 * `ForecastTask` and hand a batch to a `ForecastRunner`: `runInline` fits on
 * the calling thread (yielding to the event loop between series), and the
 * `hydra` command passes its worker-thread pool for larger batches so fits run
 * off the event loop and on every core. Imported on its own by the pool's worker threads
 * (`@hydra/analysis/forecast-runner`: it loads the algorithms, not the database).
 */
import { forecastSeries, seasonalNaive, type SeriesForecast } from '@hydra/analytics';

/** One series to forecast: a regular, gap-free history and what to forecast. */
export interface ForecastTask {
  values: number[];
  periods: number[];
  /** the step, for models that need it (Prophet); a CSV without timestamps has none */
  intervalSeconds?: number;
  horizon: number;
  levels: number[];
  /** a forecaster name or `auto` */
  model: string;
}

/** The forecast of a task, or why it could not be made. */
export interface ForecastOutcome {
  result?: SeriesForecast;
  error?: string;
}

/** Forecasts a batch; resolves with one outcome per task, in task order, and never rejects for one bad series. */
export type ForecastRunner = (tasks: readonly ForecastTask[], signal?: AbortSignal) => Promise<ForecastOutcome[]>;

/** Forecasts one task on this thread; a failure becomes the outcome's error. */
export function forecastTask(task: ForecastTask): ForecastOutcome {
  try {
    const input = {
      values: task.values,
      periods: task.periods,
      ...(task.intervalSeconds ? { intervalSeconds: task.intervalSeconds } : {}),
    };
    return { result: forecastSeries(input, task.horizon, task.levels, { model: task.model }) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Runs the tasks one by one on this thread, yielding to the event loop between them. */
export const runInline: ForecastRunner = async (tasks, signal) => {
  const outcomes: ForecastOutcome[] = [];
  for (const task of tasks) {
    signal?.throwIfAborted();
    outcomes.push(forecastTask(task));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return outcomes;
};

/** The seasonal-naive baseline's holdout MASE among a result's candidate scores (null when it was not scored). */
export function baselineMaseOf(result: SeriesForecast): number | null {
  const mase = result.scores.find((s) => s.model === seasonalNaive.name)?.mase ?? null;
  return mase !== null && Number.isFinite(mase) ? mase : null;
}
