/**
 * The HydraMonitor Controller, as controller-runtime's: a work queue (a key at most once, never to two workers,
 * failures requeued rate limited) drained by `workers` loops that call one reconcile function per key, and one
 * outcome handler (controller-runtime's reconcileHandler) that decides what happens to the key: forgotten after a
 * success, requeued after `requeueAfterMs`, requeued rate limited after an error (no sooner than the API server's
 * Retry-After), dropped after a TerminalError until the object changes. A Runnable that needs the lead; its
 * workers start once the caches have synced.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@hydra/logging';
import { KubeApiError } from './kube/errors.ts';
import type { ReconcileResult } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import type { Runnable } from './manager.ts';

export const DEFAULT_WORKERS = 4;

/** An error retrying cannot fix (an invalid spec): logged, not requeued until the object changes. */
export class TerminalError extends Error {}

export interface ReconcileOutcome {
  result: ReconcileResult;
  /** Objects created, patched or deleted. */
  writes?: number;
  /** Reconcile the key again after this long (without counting a failure). */
  requeueAfterMs?: number;
}

/**
 * Reconciles the object at `key` (namespace/name) as the caches hold it; throws what should be retried. `log`
 * is the run's logger: its lines carry the run's `reconcileID`.
 */
export type Reconcile = (key: string, log: Logger) => Promise<ReconcileOutcome>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconcile;
  logger: Logger;
  /** default a WorkQueue with its defaults */
  queue?: WorkQueue;
  /** concurrent reconciles (of different keys); default DEFAULT_WORKERS */
  workers?: number;
  /** resolves once the caches the reconcile reads have synced; the workers wait for it */
  synced?: () => Promise<void>;
  /** reconciles by result and their duration (the operator's metrics) */
  metrics?: { reconciled(result: ReconcileResult, seconds: number): void };
}

export class Controller implements Runnable {
  readonly needLeaderElection = true;
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #o: ControllerOptions;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.queue = options.queue ?? new WorkQueue();
    this.#o = options;
  }

  /** Queues `key`; false (and logged) when the queue is full or shut down. */
  enqueue(key: string): boolean {
    const queued = this.queue.add(key);
    if (!queued) this.#o.logger.warn({ monitor: key }, 'work queue full: monitor not queued');
    return queued;
  }

  /** Waits for the caches, runs the workers until `signal` aborts, then lets in-flight reconciles finish. */
  async start(signal: AbortSignal): Promise<void> {
    const stop = () => this.queue.shutdown();
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    await this.#o.synced?.();
    const workers = Array.from({ length: this.#o.workers ?? DEFAULT_WORKERS }, () => this.#worker());
    await Promise.all(workers);
  }

  async #worker(): Promise<void> {
    while (await this.processNextWorkItem());
  }

  /** Takes one key and reconciles it; false once the queue is shut down. */
  async processNextWorkItem(): Promise<boolean> {
    const key = await this.queue.next();
    if (key === undefined) return false;
    try {
      await this.reconcileHandler(key);
    } finally {
      this.queue.done(key);
    }
    return true;
  }

  /** One reconcile of `key` and what follows from its outcome. Never throws. */
  async reconcileHandler(key: string): Promise<void> {
    const started = performance.now();
    // One id per run: every line of the run carries it; a retry is a new run with a new id.
    const log = this.#o.logger.child({ reconcileID: randomUUID() });
    const seconds = () => (performance.now() - started) / 1000;
    let outcome: ReconcileOutcome;
    try {
      outcome = await this.#o.reconcile(key, log);
    } catch (err) {
      this.#o.metrics?.reconciled('error', seconds());
      if (err instanceof TerminalError) {
        log.error({ monitor: key, err }, 'monitor spec is invalid; not retried until it changes');
        this.queue.forget(key);
        return;
      }
      const retryAfterMs =
        err instanceof KubeApiError && err.retryAfterSeconds ? err.retryAfterSeconds * 1000 : undefined;
      const delay = this.queue.retry(key, retryAfterMs);
      log.warn(
        { monitor: key, attempt: this.queue.attempts(key), retryInMs: delay, err },
        'reconcile failed; retrying',
      );
      return;
    }
    this.#o.metrics?.reconciled(outcome.result, seconds());
    this.queue.forget(key);
    if (outcome.requeueAfterMs !== undefined) this.queue.addAfter(key, outcome.requeueAfterMs);
    log.debug(
      {
        monitor: key,
        result: outcome.result,
        ...(outcome.writes === undefined ? {} : { writes: outcome.writes }),
        durationMs: Math.round(seconds() * 1000),
      },
      'reconciled',
    );
  }
}
