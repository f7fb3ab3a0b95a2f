/**
 * Errors the storage layer raises, classified once: `retryable` errors mean the
 * caller may try the same data again later (the collector answers 503/429 with
 * Retry-After); the others are permanent (the collector answers 400).
 */
export abstract class StorageError extends Error {
  abstract readonly retryable: boolean;
  /** Seconds a client should wait before retrying, for retryable errors. */
  readonly retryAfterSeconds: number = 1;
}

/** The database cannot be reached or a write failed for a transient reason. */
export class StorageUnavailableError extends StorageError {
  readonly retryable = true;
  override readonly name = 'StorageUnavailableError';
  override readonly retryAfterSeconds: number;
  constructor(message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, { cause: options?.cause });
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 5;
  }
}

/** The writer's queue is full: back-pressure, the caller should slow down (HTTP 429). */
export class QueueFullError extends StorageError {
  readonly retryable = true;
  override readonly name = 'QueueFullError';
  override readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds = 1) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The writer is shutting down and takes no new data. */
export class WriterClosedError extends StorageError {
  readonly retryable = true;
  override readonly name = 'WriterClosedError';
}

export function isRetryable(err: unknown): boolean {
  return err instanceof StorageError && err.retryable;
}
