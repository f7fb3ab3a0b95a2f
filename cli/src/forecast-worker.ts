/**
 * Worker-thread side of the forecast pool: receives batches of series, forecasts each with analysis's
 * `forecastTask` (the same fit as on the calling thread) and posts the results back. A failure of one series is
 * returned as its error message, so it cannot take the batch or the worker down.
 */
import { parentPort } from 'node:worker_threads';
import { forecastTask } from '@hydra/analysis/forecast-runner';
import type { WorkerReply, WorkerRequest } from './forecast-pool.ts';

if (parentPort) {
  const port = parentPort;
  port.on('message', (request: WorkerRequest) => {
    const reply: WorkerReply = {
      batch: request.batch,
      results: request.jobs.map((job) => ({ index: job.index, ...forecastTask(job) })),
    };
    port.postMessage(reply);
  });
}
