/**
 * A pool of worker threads for forecasts, so fits run off the event loop and on every core. The workers are
 * started when first needed and then kept for the life of the pool (a `hydra` process: its forecast jobs and the
 * API's predictions share one), not per batch: a worker's start (loading tsx, the algorithms and their WebAssembly)
 * costs far more than a small batch's fits. Jobs are sent in batches of `BATCH_SIZE`; each worker holds at most one
 * batch at a time and takes the next queued one (of any run) when it answers, so a slow series does not idle the
 * other workers. An idle worker does not keep the process alive. A worker that dies fails the runs it was working
 * for with its error and is replaced on the next need; `close()` terminates all.
 *
 * Workers load the TypeScript worker module through tsx (see `WORKER_BOOTSTRAP`), because hydra has no build step.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { ForecastOutcome, ForecastTask } from '@hydra/analysis';

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

/** One series to forecast, with its place in the run. */
export interface ForecastJob extends ForecastTask {
  index: number;
}

export interface ForecastJobResult extends ForecastOutcome {
  index: number;
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

/** A batch waiting for, or being worked on by, a worker; `run` is the call it belongs to. */
interface Batch {
  id: number;
  jobs: ForecastJob[];
  run: Run;
}

interface Run {
  results: ForecastJobResult[];
  left: number;
  done: number;
  total: number;
  onProgress: ((done: number, total: number) => void) | undefined;
  resolve: (results: ForecastJobResult[]) => void;
  reject: (err: Error) => void;
  failed: boolean;
}

export class ForecastPool {
  readonly size: number;
  readonly #queue: Batch[] = [];
  /** Every live worker, with the batch it works on (undefined: idle). */
  readonly #workers = new Map<Worker, Batch | undefined>();
  #nextBatch = 0;
  #started = 0;
  #closed = false;

  constructor(size = defaultWorkerCount()) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`ForecastPool: size must be ≥ 1, got ${size}`);
    this.size = size;
  }

  /** Workers started over the pool's life (a new one only when fewer than `size` live and work waits). */
  get workersStarted(): number {
    return this.#started;
  }

  /**
   * Forecasts every job on the pool and resolves with the results in job order. `onProgress(done, total)` is
   * called as batches complete. Rejects when a worker working on it dies, or the pool is closed.
   */
  run(jobs: readonly ForecastJob[], onProgress?: (done: number, total: number) => void): Promise<ForecastJobResult[]> {
    if (this.#closed) return Promise.reject(new Error('ForecastPool: closed'));
    if (jobs.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const run: Run = {
        results: new Array<ForecastJobResult>(jobs.length),
        left: 0,
        done: 0,
        total: jobs.length,
        onProgress,
        resolve,
        reject,
        failed: false,
      };
      // Results go back by the job's position in this run; the caller's index is restored on the way out.
      for (let i = 0; i < jobs.length; i += BATCH_SIZE) {
        const batch = jobs.slice(i, i + BATCH_SIZE).map((job, j) => ({ ...job, index: i + j }));
        this.#queue.push({ id: this.#nextBatch++, jobs: batch, run });
        run.left++;
      }
      const indexes = jobs.map((job) => job.index);
      run.resolve = (results) => resolve(results.map((r, i) => ({ ...r, index: indexes[i] as number })));
      this.#dispatch();
    });
  }

  /** Terminates every worker; runs in progress reject. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const failure = new Error('ForecastPool: closed');
    for (const batch of this.#queue.splice(0)) this.#fail(batch.run, failure);
    const workers = [...this.#workers.keys()];
    for (const batch of this.#workers.values()) if (batch) this.#fail(batch.run, failure);
    this.#workers.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Hands queued batches to idle workers, starting workers up to `size` while batches wait. */
  #dispatch(): void {
    for (const [worker, current] of this.#workers) {
      if (current) continue;
      const batch = this.#take();
      if (!batch) return;
      this.#give(worker, batch);
    }
    for (let batch = this.#take(); batch; batch = this.#take()) {
      if (this.#workers.size >= this.size) {
        this.#queue.unshift(batch);
        return;
      }
      this.#give(this.#spawn(), batch);
    }
  }

  /** The next queued batch whose run has not failed. */
  #take(): Batch | undefined {
    let batch = this.#queue.shift();
    while (batch?.run.failed) batch = this.#queue.shift();
    return batch;
  }

  #give(worker: Worker, batch: Batch): void {
    this.#workers.set(worker, batch);
    worker.ref();
    const request: WorkerRequest = { batch: batch.id, jobs: batch.jobs };
    worker.postMessage(request);
  }

  #spawn(): Worker {
    const worker = new Worker(WORKER_BOOTSTRAP, { eval: true });
    const n = this.#started++;
    this.#workers.set(worker, undefined);
    worker.on('message', (reply: WorkerReply) => {
      const batch = this.#workers.get(worker);
      if (!batch || batch.id !== reply.batch) return;
      this.#workers.set(worker, undefined);
      worker.unref();
      const run = batch.run;
      if (!run.failed) {
        for (const r of reply.results) run.results[r.index] = r;
        run.done += reply.results.length;
        run.onProgress?.(run.done, run.total);
        if (--run.left === 0) run.resolve(run.results);
      }
      this.#dispatch();
    });
    const died = (reason: string) => {
      if (!this.#workers.has(worker)) return;
      const batch = this.#workers.get(worker);
      this.#workers.delete(worker);
      if (batch) this.#fail(batch.run, new Error(`forecast worker ${n} ${reason}`));
      if (!this.#closed) this.#dispatch();
    };
    worker.on('error', (err) => died(`failed: ${err.message}`));
    worker.on('exit', (code) => died(`exited with code ${code}`));
    return worker;
  }

  #fail(run: Run, err: Error): void {
    if (run.failed) return;
    run.failed = true;
    run.reject(err);
  }
}

/**
 * Runs every job on a pool of `workers` threads made for this call and resolves with the results in job order
 * (`hydra forecast`: one run, then the pool goes).
 */
export async function runForecastPool(
  jobs: ForecastJob[],
  workers: number,
  onProgress?: (done: number, total: number) => void,
): Promise<ForecastJobResult[]> {
  const pool = new ForecastPool(workers);
  try {
    return await pool.run(jobs, onProgress);
  } finally {
    await pool.close();
  }
}
