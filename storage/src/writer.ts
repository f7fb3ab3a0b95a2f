/**
 * BatchWriter: group commit for points. Requests queue up (bounded by rows);
 * a batch of up to `batchSize` rows leaves when a connection is free (after
 * the oldest request has waited `flushIntervalMs`, when that is set, unless
 * `batchSize` rows are already queued). Up to `connections` batches are in
 * flight at once, so one batch encodes while another commits, and requests
 * that arrive meanwhile form the next, larger batch. Each batch is ONE
 * transaction; every request in it resolves only after COMMIT, and all of
 * them reject with StorageUnavailableError (retryable) if the commit fails
 * for a transient reason: nothing is acknowledged that is not committed.
 * When the database refuses the data itself (InvalidDataError, permanent),
 * the batch's requests are committed one by one, so only the request that
 * holds the bad data is refused.
 *
 * One point per (series_id, time): a batch whose binary COPY hits a point
 * already stored (unique_violation, an exporter's retry) is re-run in a new
 * transaction through the staged path (COPY into a temporary table, then
 * INSERT … ON CONFLICT DO NOTHING: the first write wins), and the requests
 * succeed — their data is stored. Skipped points are counted in
 * `hydra.storage.writer.duplicates{table}`. See batch-commit.ts.
 */
import { metrics } from '@opentelemetry/api';
import type { ObservableResult } from '@opentelemetry/api';
import { DURATION_BUCKETS_SECONDS } from '@hydra/logging';
import type { Lifecycle } from '@hydra/schema';
import type pg from 'pg';
import { commitBatch, type CommitPath, type Duplicates } from './batch-commit.ts';
import type { Database } from './database.ts';
import {
  BatchTooLargeError,
  classifyDatabaseError,
  InvalidDataError,
  QueueFullError,
  sqlStateOf,
  WriterClosedError,
} from './errors.ts';
import { dayOfMicros, PartitionManager } from './partitions.ts';
import { expHistogramProblem, histogramProblem } from './point-ranges.ts';
import { backfillRange } from './rollup-backfill.ts';
import type { WriteBatch } from './types.ts';

export const DEFAULT_BATCH_SIZE = 50_000;
/**
 * 0: a batch leaves as soon as a writer connection is free; while both
 * connections commit, requests queue and the next batch grows with the load
 * (adaptive group commit). Measured here with 8 closed-loop clients of 1,000
 * rows: ~2× the rows/s of a 50 ms linger, and lower latency. A positive value
 * makes a partial batch wait up to that long to fill (fewer, larger
 * transactions, e.g. on a database shared with other work).
 */
export const DEFAULT_FLUSH_INTERVAL_MS = 0;
export const DEFAULT_MAX_QUEUED_ROWS = 1_000_000;
export const DEFAULT_WRITER_CONNECTIONS = 2;
/** PGlite runs one transaction at a time: a second connection would only wait. */
export const EMBEDDED_WRITER_CONNECTIONS = 1;
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;
/** Retry-After suggested to callers when the queue is full. */
export const QUEUE_FULL_RETRY_AFTER_SECONDS = 1;

/** PostgreSQL "no partition of relation … found for row". */
const NO_PARTITION_SQLSTATE = '23514';
/** unique_violation: the COPY fast path met a (series_id, time) already stored. */
const UNIQUE_VIOLATION_SQLSTATE = '23505';
/**
 * deadlock_detected: two transactions inserting the same points in crossing
 * orders (two exporters retrying the same data at once); the survivor commits
 * and the victim is re-run on the staged path, which skips what it stored.
 */
const DEADLOCK_SQLSTATE = '40P01';
/** Staged re-runs of one batch after a deadlock before its failure is reported (retryable). */
const MAX_STAGED_ATTEMPTS = 3;

export interface WriterOptions {
  /** Rows that make a batch leave at once. */
  batchSize: number;
  /** Longest a partial batch waits to fill while a connection is free; 0 = leave at once (see DEFAULT_FLUSH_INTERVAL_MS). */
  flushIntervalMs: number;
  /** Rows queued or in flight before write() refuses with QueueFullError. */
  maxQueuedRows: number;
  /** Batches committed concurrently, each on its own connection (1 on PGlite unless set). */
  connections: number;
}

interface Request {
  batch: WriteBatch;
  rows: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

type State = 'new' | 'running' | 'closing' | 'closed';

function rowsOf(batch: WriteBatch): number {
  return batch.samples.length + batch.histograms.length + batch.expHistograms.length;
}

/**
 * Throws InvalidDataError naming the first point that cannot be encoded: a
 * time or series id that is not an integer, a count or scale outside its
 * column's range (see point-ranges.ts). Checked per request, before it is
 * queued, so a bad point is its own request's 400 and never fails a batch.
 */
function validateBatch(batch: WriteBatch): void {
  const bad = (message: string): never => {
    throw new InvalidDataError(undefined, `point not stored: ${message}`);
  };
  const check = (list: ReadonlyArray<{ seriesId: number; timeUs: number }>, field: string): void => {
    for (let i = 0; i < list.length; i++) {
      const p = list[i] as { seriesId: number; timeUs: number };
      if (!Number.isSafeInteger(p.timeUs))
        bad(`${field}[${i}].timeUs: must be an integer µs timestamp, got ${p.timeUs}`);
      if (!Number.isSafeInteger(p.seriesId) || p.seriesId < 1) {
        bad(`${field}[${i}].seriesId: must be a positive integer series id, got ${p.seriesId}`);
      }
    }
  };
  check(batch.samples, 'samples');
  check(batch.histograms, 'histograms');
  check(batch.expHistograms, 'expHistograms');
  batch.histograms.forEach((p, i) => {
    const problem = histogramProblem(p);
    if (problem) bad(`histograms[${i}].${problem}`);
  });
  batch.expHistograms.forEach((p, i) => {
    const problem = expHistogramProblem(p);
    if (problem) bad(`expHistograms[${i}].${problem}`);
  });
}

export class BatchWriter implements Lifecycle {
  readonly options: WriterOptions;
  readonly #db: Database;
  readonly #partitions: PartitionManager;
  #state: State = 'new';
  #queue: Request[] = [];
  #queuedRows = 0;
  #inFlightRows = 0;
  #inFlightBatches = 0;
  #flushDue = false;
  #timer: NodeJS.Timeout | null = null;
  #drainWaiters: Array<() => void> = [];
  #shutdown: Promise<void> | null = null;

  readonly #meter = metrics.getMeter('hydra');
  readonly #rowsWritten = this.#meter.createCounter('hydra.storage.writer.rows', {
    description: 'Rows committed, by table',
  });
  readonly #batches = this.#meter.createCounter('hydra.storage.writer.batches', { description: 'Batches, by outcome' });
  readonly #failures = this.#meter.createCounter('hydra.storage.writer.failures', {
    description: 'Batches that failed and were rejected',
  });
  readonly #duplicates = this.#meter.createCounter('hydra.storage.writer.duplicates', {
    description:
      'Rows not stored because their (series_id, time) was already stored or came twice in a batch, by table',
  });
  readonly #refused = this.#meter.createCounter('hydra.storage.writer.refused', {
    description: 'write() calls refused, by reason',
  });
  readonly #latency = this.#meter.createHistogram('hydra.storage.writer.batch.duration.seconds', {
    description: 'Time to commit one batch',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
  });
  readonly #queueGauge = this.#meter.createObservableGauge('hydra.storage.writer.queue.rows', {
    description: 'Rows waiting for a batch',
  });
  readonly #observeQueue = (result: ObservableResult): void => result.observe(this.#queuedRows);
  /** maxQueuedRows, so "queue near full" is `queue.rows / queue.capacity` in Prometheus. */
  readonly #capacityGauge = this.#meter.createObservableGauge('hydra.storage.writer.queue.capacity', {
    description: 'Rows the write queue holds before write() refuses (maxQueuedRows)',
  });
  readonly #observeCapacity = (result: ObservableResult): void => result.observe(this.options.maxQueuedRows);

  constructor(db: Database, options: Partial<WriterOptions> = {}) {
    this.options = {
      batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
      flushIntervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
      maxQueuedRows: options.maxQueuedRows ?? DEFAULT_MAX_QUEUED_ROWS,
      connections: options.connections ?? (db.embedded ? EMBEDDED_WRITER_CONNECTIONS : DEFAULT_WRITER_CONNECTIONS),
    };
    for (const key of ['batchSize', 'maxQueuedRows', 'connections'] as const) {
      const v = this.options[key];
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`WriterOptions.${key}: must be a positive integer, got ${v}`);
    }
    if (!(this.options.flushIntervalMs >= 0)) {
      throw new RangeError(`WriterOptions.flushIntervalMs: must be ≥ 0, got ${this.options.flushIntervalMs}`);
    }
    this.#db = db;
    this.#partitions = new PartitionManager(db);
  }

  /** Begins accepting writes. Calling it again is a no-op. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.#queueGauge.addCallback(this.#observeQueue);
    this.#capacityGauge.addCallback(this.#observeCapacity);
  }

  /**
   * Queues the batch; resolves once it is committed. Rejects with
   * QueueFullError when the queue is full (retry later), WriterClosedError
   * when not started or shutting down, StorageUnavailableError when the
   * commit failed (nothing of the batch was stored), InvalidDataError
   * (permanent) when the database refuses this batch's data, BatchTooLargeError
   * (permanent) for a batch larger than the whole queue or for a point that
   * cannot be encoded (a time or series id that is not an integer, a count
   * or scale outside its column's range).
   */
  write(batch: WriteBatch): Promise<void> {
    if (this.#state !== 'running') {
      this.#refused.add(1, { reason: 'closed' });
      const why = this.#state === 'new' ? 'BatchWriter.write called before start()' : 'the writer is shutting down';
      return Promise.reject(new WriterClosedError(why));
    }
    try {
      validateBatch(batch);
    } catch (err) {
      this.#refused.add(1, { reason: 'invalid' });
      return Promise.reject(err as Error);
    }
    const rows = rowsOf(batch);
    if (rows === 0) return Promise.resolve();
    if (rows > this.options.maxQueuedRows) {
      this.#refused.add(1, { reason: 'too_large' });
      return Promise.reject(new BatchTooLargeError(rows, this.options.maxQueuedRows));
    }
    if (this.#queuedRows + this.#inFlightRows + rows > this.options.maxQueuedRows) {
      this.#refused.add(1, { reason: 'queue_full' });
      return Promise.reject(
        new QueueFullError(
          `write queue full: ${this.#queuedRows + this.#inFlightRows} rows pending, ${rows} more would pass the limit of ${this.options.maxQueuedRows}`,
          QUEUE_FULL_RETRY_AFTER_SECONDS,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ batch, rows, resolve, reject });
      this.#queuedRows += rows;
      this.#pump();
    });
  }

  stats(): { queuedRows: number; inFlightBatches: number } {
    return { queuedRows: this.#queuedRows, inFlightBatches: this.#inFlightBatches };
  }

  /**
   * Stops intake (later writes reject with WriterClosedError), flushes what is
   * queued and waits for in-flight batches, up to `deadlineMs`; requests still
   * queued at the deadline reject with WriterClosedError. Idempotent; safe
   * without start().
   */
  shutdown(deadlineMs: number = DEFAULT_SHUTDOWN_DEADLINE_MS): Promise<void> {
    this.#shutdown ??= this.#shutdownOnce(deadlineMs);
    return this.#shutdown;
  }

  async #shutdownOnce(deadlineMs: number): Promise<void> {
    const wasRunning = this.#state === 'running';
    this.#state = 'closing';
    this.#pump();
    let deadline: NodeJS.Timeout | undefined;
    const drained = new Promise<void>((resolve) => this.#whenDrained(resolve));
    const expired = new Promise<'expired'>((resolve) => {
      deadline = setTimeout(() => resolve('expired'), deadlineMs);
    });
    const outcome = await Promise.race([drained, expired]);
    clearTimeout(deadline);
    if (outcome === 'expired') {
      const left = this.#queue.splice(0);
      this.#queuedRows = 0;
      for (const r of left)
        r.reject(
          new WriterClosedError(`shutdown deadline of ${deadlineMs} ms passed before these points were written`),
        );
    }
    this.#clearTimer();
    if (wasRunning) {
      this.#queueGauge.removeCallback(this.#observeQueue);
      this.#capacityGauge.removeCallback(this.#observeCapacity);
    }
    this.#state = 'closed';
  }

  #whenDrained(resolve: () => void): void {
    if (this.#queue.length === 0 && this.#inFlightBatches === 0) resolve();
    else this.#drainWaiters.push(resolve);
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Starts as many batches as connections allow and the queue justifies; arms the flush timer otherwise. */
  #pump(): void {
    const closing = this.#state === 'closing';
    while (
      this.#queue.length > 0 &&
      this.#inFlightBatches < this.options.connections &&
      (this.#queuedRows >= this.options.batchSize || this.#flushDue || closing || this.options.flushIntervalMs === 0)
    ) {
      let count = 0;
      let rows = 0;
      for (const next of this.#queue) {
        if (count > 0 && rows + next.rows > this.options.batchSize) break;
        count++;
        rows += next.rows;
      }
      const taken = this.#queue.splice(0, count);
      this.#queuedRows -= rows;
      this.#inFlightRows += rows;
      this.#inFlightBatches++;
      // #run never rejects: it settles every request of the batch itself.
      void this.#run(taken, rows);
    }
    if (this.#queue.length === 0) {
      this.#flushDue = false;
      this.#clearTimer();
    } else if (!this.#timer && !this.#flushDue && !closing && this.options.flushIntervalMs > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.#flushDue = true;
        this.#pump();
      }, this.options.flushIntervalMs);
    }
  }

  async #run(requests: Request[], rows: number): Promise<void> {
    const started = performance.now();
    const merged: WriteBatch = { samples: [], histograms: [], expHistograms: [] };
    for (const r of requests) {
      for (const p of r.batch.samples) merged.samples.push(p);
      for (const p of r.batch.histograms) merged.histograms.push(p);
      for (const p of r.batch.expHistograms) merged.expHistograms.push(p);
    }
    try {
      await this.#commitCounted(merged);
      for (const r of requests) r.resolve();
    } catch (err) {
      const failure = classifyDatabaseError(`batch of ${rows} rows not stored`, err);
      if (failure instanceof InvalidDataError && requests.length > 1) await this.#commitEach(requests);
      else for (const r of requests) r.reject(failure);
    } finally {
      this.#latency.record((performance.now() - started) / 1000);
      this.#inFlightRows -= rows;
      this.#inFlightBatches--;
      this.#pump();
      if (this.#queue.length === 0 && this.#inFlightBatches === 0) {
        const waiters = this.#drainWaiters.splice(0);
        for (const w of waiters) w();
      }
    }
  }

  /** Commits the batch and counts the outcome (rows stored, duplicates skipped); throws what the commit threw. */
  async #commitCounted(batch: WriteBatch): Promise<void> {
    let duplicates: Duplicates;
    try {
      duplicates = await this.#commit(batch);
    } catch (err) {
      this.#batches.add(1, { outcome: 'failed' });
      this.#failures.add(1);
      throw err;
    }
    const count = (table: string, rows: number, skipped: number): void => {
      if (rows - skipped > 0 || table === 'samples') this.#rowsWritten.add(rows - skipped, { table });
      if (skipped > 0) this.#duplicates.add(skipped, { table });
    };
    count('samples', batch.samples.length, duplicates.samples);
    count('histogram_samples', batch.histograms.length, duplicates.histograms);
    count('exp_histogram_samples', batch.expHistograms.length, duplicates.expHistograms);
    this.#batches.add(1, { outcome: 'committed' });
  }

  /**
   * After the database refused a merged batch's data: each request in its own
   * transaction, so the requests without bad data are stored and acknowledged
   * and only the guilty ones get the permanent error.
   */
  async #commitEach(requests: Request[]): Promise<void> {
    for (const r of requests) {
      try {
        await this.#commitCounted(r.batch);
        r.resolve();
      } catch (err) {
        r.reject(classifyDatabaseError(`batch of ${r.rows} rows not stored`, err));
      }
    }
  }

  /**
   * Commits the batch, creating missing day partitions first; returns the
   * duplicates skipped. A partition dropped by retention after this writer
   * cached it shows up as SQLSTATE 23514: forget the cache, re-create, and try
   * once more. A point already stored fails the COPY fast path with 23505 (a
   * deadlock with a batch carrying the same points, with 40P01): the batch is
   * re-run on the staged path, which skips duplicates.
   */
  async #commit(batch: WriteBatch): Promise<Duplicates> {
    let path: CommitPath = this.#db.embedded ? 'insert' : 'copy';
    let repartitioned = false;
    let stagedAttempts = 0;
    for (;;) {
      try {
        return await this.#commitOnce(batch, path);
      } catch (err) {
        const state = sqlStateOf(err);
        if (state === NO_PARTITION_SQLSTATE && this.#db.mode === 'postgres' && !repartitioned) {
          this.#partitions.invalidate();
          repartitioned = true;
        } else if (
          (state === UNIQUE_VIOLATION_SQLSTATE && path === 'copy') ||
          (state === DEADLOCK_SQLSTATE && path !== 'insert' && stagedAttempts < MAX_STAGED_ATTEMPTS)
        ) {
          path = 'staged';
          stagedAttempts++;
        } else throw err;
      }
    }
  }

  async #commitOnce(batch: WriteBatch, path: CommitPath): Promise<Duplicates> {
    // both modes: TimescaleDB's refresh policies only look back a few hours too (see rollup-backfill.ts)
    const backfill = backfillRange(batch.samples, Date.now() * 1000);
    if (this.#db.mode === 'postgres') {
      const days = new Set<number>();
      for (const p of batch.samples) days.add(dayOfMicros(p.timeUs));
      for (const p of batch.histograms) days.add(dayOfMicros(p.timeUs));
      for (const p of batch.expHistograms) days.add(dayOfMicros(p.timeUs));
      await this.#partitions.ensure(days);
    }
    let client: pg.PoolClient;
    try {
      client = await this.#db.pool.connect();
    } catch (err) {
      throw new Error(`cannot connect: ${(err as Error).message}`, { cause: err });
    }
    let failed: Error | undefined;
    try {
      return await commitBatch(client, batch, path, backfill);
    } catch (err) {
      // A batch refused for a duplicate or a deadlock was rolled back cleanly (a failed ROLLBACK is an
      // AggregateError, without a SQLSTATE): keep the connection for the staged re-run.
      const state = sqlStateOf(err);
      if (state !== UNIQUE_VIOLATION_SQLSTATE && state !== DEADLOCK_SQLSTATE) failed = err as Error;
      throw err;
    } finally {
      // A connection that failed mid-transaction is destroyed rather than reused.
      client.release(failed);
    }
  }
}
