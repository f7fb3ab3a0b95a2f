/**
 * A fixed pool of worker threads for `hydra forecast`, so that fits run off the event loop and on every
 * core. Jobs are sent in batches of `BATCH_SIZE`; each worker holds at most one batch at a time and gets
 * the next when it answers, so a slow series does not idle the other workers and no queue grows beyond
 * the job list itself. Workers load the TypeScript worker module through tsx (see `WORKER_BOOTSTRAP`),
 * because hydra has no build step. A worker that dies fails the run with its error; `close()` terminates all.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { SeriesForecast } from '@hydra/analytics';

export const BATCH_SIZE = 4;
const WORKER_URL = new URL('./forecast-worker.ts', import.meta.url);
/**
 * Bootstrap evaluated in each worker: registers tsx's loader in that thread (hooks registered in the
 * main thread do not reach workers, and Node 20 ignores `--import` hooks for a worker's entry), then
 * imports the TypeScript worker module.
 */
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })
  .catch((err) => { setImmediate(() => { throw err; }); });`;

export interface ForecastJob {
  index: number;
  values: number[];
  periods: number[];
  intervalSeconds?: number;
  horizon: number;
  levels: number[];
  model: string;
}

export interface ForecastJobResult {
  index: number;
  result?: SeriesForecast;
  error?: string;
}

export interface WorkerRequest {
  batch: number;
  jobs: ForecastJob[];
}

export interface WorkerReply {
  batch: number;
  results: ForecastJobResult[];
}

/** Number of workers to use by default: one per available core. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs every job on `workers` threads and resolves with the results in job order.
 * `onProgress(done, total)` is called as batches complete.
 */
export async function runForecastPool(
  jobs: ForecastJob[],
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ForecastJobResult[]> {
  const batches: ForecastJob[][] = [];
  for (let i = 0; i < jobs.length; i += BATCH_SIZE) batches.push(jobs.slice(i, i + BATCH_SIZE));
  const results = new Array<ForecastJobResult>(jobs.length);
  const size = Math.min(workers, batches.length);
  const pool: Worker[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      if (batches.length === 0) {
        resolve();
        return;
      }
      let finished = 0;
      const dispatch = (worker: Worker): void => {
        if (next >= batches.length) {
          finished++;
          if (finished === size) resolve();
          return;
        }
        const request: WorkerRequest = { batch: next, jobs: batches[next] as ForecastJob[] };
        next++;
        worker.postMessage(request);
      };
      for (let w = 0; w < size; w++) {
        const worker = new Worker(WORKER_BOOTSTRAP, { eval: true });
        pool.push(worker);
        worker.on('message', (reply: WorkerReply) => {
          for (const r of reply.results) results[r.index] = r;
          done += reply.results.length;
          onProgress?.(done, jobs.length);
          dispatch(worker);
        });
        worker.on('error', (err) => reject(new Error(`forecast worker ${w} failed: ${err.message}`)));
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`forecast worker ${w} exited with code ${code}`));
        });
        dispatch(worker);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
