/**
 * A keyed work queue like client-go's: a key waits in the queue at most once; a key being processed is never
 * handed to a second worker (if it is added meanwhile, it runs again afterwards); failures are requeued rate
 * limited, as client-go's default controller rate limiter: the later of the key's exponential backoff and an
 * overall token bucket (`retryQps`, `retryBurst`), so a failing API server is not hammered by every key at once;
 * success forgets the key's failure count. Bounded: beyond `maxKeys` distinct keys, `add` refuses (and counts)
 * instead of growing without limit.
 */
import { backoffDelay } from './time.ts';

export const DEFAULT_MAX_KEYS = 100_000;
export const DEFAULT_RETRY_BASE_MS = 200;
export const DEFAULT_RETRY_MAX_MS = 5 * 60_000;
/** Retries the whole queue may make per second, after a burst of DEFAULT_RETRY_BURST (client-go: 10 and 100). */
export const DEFAULT_RETRY_QPS = 10;
export const DEFAULT_RETRY_BURST = 100;

export interface WorkQueueOptions {
  maxKeys?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  retryQps?: number;
  retryBurst?: number;
  /** epoch ms, for the token bucket; default Date.now */
  now?: () => number;
}

export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirtyWhileProcessing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, NodeJS.Timeout>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private readonly maxKeys: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly retryQps: number;
  private readonly retryBurst: number;
  private readonly now: () => number;
  /** The token bucket: tokens left at `bucketAt` (may go negative: retries reserved ahead). */
  private tokens: number;
  private bucketAt: number;
  /** Adds refused because the queue was full. */
  refused = 0;

  constructor(options: WorkQueueOptions = {}) {
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    this.retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.retryMaxMs = options.retryMaxMs ?? DEFAULT_RETRY_MAX_MS;
    this.retryQps = options.retryQps ?? DEFAULT_RETRY_QPS;
    this.retryBurst = options.retryBurst ?? DEFAULT_RETRY_BURST;
    this.now = options.now ?? Date.now;
    this.tokens = this.retryBurst;
    this.bucketAt = this.now();
  }

  /** Keys waiting to be processed. */
  get depth(): number {
    return this.ready.length;
  }

  /** Keys being processed now. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** Queues `key` now; returns false when the queue is full or shutting down. */
  add(key: string): boolean {
    if (this.shuttingDown) return false;
    const timer = this.delayed.get(key);
    if (timer) {
      clearTimeout(timer);
      this.delayed.delete(key);
    }
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return true;
    }
    if (this.queued.has(key)) return true;
    if (this.queued.size + this.processing.size >= this.maxKeys) {
      this.refused++;
      return false;
    }
    this.queued.add(key);
    const waiter = this.waiters.shift();
    if (waiter) {
      this.queued.delete(key);
      this.processing.add(key);
      waiter(key);
    } else this.ready.push(key);
    return true;
  }

  /** Queues `key` after `ms` (a requeue-after without a failure). */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown || this.delayed.has(key)) return;
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.delayed.set(key, timer);
  }

  /**
   * Queues `key` again, rate limited: after the longest of its backoff, the token bucket's wait and the server's
   * `retryAfterMs`. Returns the delay chosen.
   */
  retry(key: string, retryAfterMs?: number): number {
    const attempt = this.failures.get(key) ?? 0;
    this.failures.set(key, attempt + 1);
    const delay = Math.max(
      retryAfterMs ?? 0,
      backoffDelay(attempt, this.retryBaseMs, this.retryMaxMs),
      this.bucketDelay(),
    );
    this.addAfter(key, delay);
    return delay;
  }

  /** Takes a token from the bucket; how long until it is there (0 within the burst). */
  private bucketDelay(): number {
    const now = this.now();
    this.tokens = Math.min(this.retryBurst, this.tokens + ((now - this.bucketAt) / 1000) * this.retryQps);
    this.bucketAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.retryQps) * 1000);
  }

  /** Clears the key's failure count (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Failures in a row of `key`. */
  attempts(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Waits for the next key; undefined once the queue is shut down. The caller must call `done(key)`. */
  next(): Promise<string | undefined> {
    const key = this.ready.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` processed; re-queues it if it was added meanwhile. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirtyWhileProcessing.delete(key)) this.add(key);
  }

  /** Stops handing out keys; pending `next()` calls resolve undefined. */
  shutdown(): void {
    this.shuttingDown = true;
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
