/**
 * Worker-thread side of `hydra forecast`: receives batches of regular series, forecasts each with
 * `forecastSeries` and posts the results back. A failure of one series is returned as its error
 * message, so it cannot take the batch or the worker down.
 */
import { parentPort } from 'node:worker_threads';
import { forecastSeries } from '@hydra/analytics';
import type { ForecastJob, ForecastJobResult, WorkerReply, WorkerRequest } from './forecast-pool.ts';

/** Forecasts one job; never throws. Exported so the pool can run jobs inline when it has no workers. */
export function runJob(job: ForecastJob): ForecastJobResult {
  try {
    const input = {
      values: job.values,
      periods: job.periods,
      ...(job.intervalSeconds ? { intervalSeconds: job.intervalSeconds } : {}),
    };
    const result = forecastSeries(input, job.horizon, job.levels, { model: job.model });
    return { index: job.index, result };
  } catch (err) {
    return { index: job.index, error: err instanceof Error ? err.message : String(err) };
  }
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (request: WorkerRequest) => {
    const reply: WorkerReply = { batch: request.batch, results: request.jobs.map(runJob) };
    port.postMessage(reply);
  });
}
